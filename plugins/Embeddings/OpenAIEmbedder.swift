import Cairn
import CairnCurl
import Foundation

/// An OpenAI-compatible embeddings server (`provider = "openai"`): OpenAI itself, Ollama's
/// `/v1` endpoint, llama.cpp's server, vLLM, TEI, LocalAI. `POST {base_url}/v1/embeddings`
/// with `model`, `input` (a batch), `encoding_format` (always sent: some servers answer
/// base64 unless told) and `dimensions` only when `send_dimensions` is set.
///
/// Inputs are cut to `max_input_chars` first (Ollama truncates silently, llama.cpp answers
/// 500); batches hold at most `batch_size` inputs and `max_request_bytes` of JSON. 429 and 5xx
/// are retried by the step (with the server's `Retry-After`); other 4xx, an answer that is not
/// JSON, a wrong number of vectors, a wrong dimension or a value that is not finite are not.
public struct OpenAIEmbedder: Embedder, Equatable {
    public var baseURL: URL
    public var model: String
    public var dimensions: Int
    public var apiKey: String?
    public var sendDimensions = false
    /// `float` or `base64` (little-endian float32).
    public var encoding = "float"
    public var batchSize = 32
    public var maxRequestBytes = 1_000_000
    public var maxInputCharacters = 8_000
    public var timeout: Duration = .seconds(60)

    public init(baseURL: URL, model: String, dimensions: Int, apiKey: String? = nil) {
        self.baseURL = baseURL
        self.model = model
        self.dimensions = dimensions
        self.apiKey = apiKey
    }

    public var space: String { "openai/\(model)@\(dimensions)" }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        var vectors: [[Float]] = []
        vectors.reserveCapacity(texts.count)
        var batch: [String] = []
        var bytes = 0
        for text in texts {
            let input = text.count > maxInputCharacters ? String(text.prefix(maxInputCharacters)) : text
            let size = input.utf8.count + 8
            if !batch.isEmpty, batch.count >= batchSize || bytes + size > maxRequestBytes {
                vectors += try await request(batch)
                batch = []
                bytes = 0
            }
            batch.append(input)
            bytes += size
        }
        if !batch.isEmpty { vectors += try await request(batch) }
        return vectors
    }

    /// One request for `inputs`; the vectors in input order, unit length.
    func request(_ inputs: [String]) async throws -> [[Float]] {
        var body: [String: JSONValue] = ["model": .string(model), "input": .array(inputs.map { .string($0) }), "encoding_format": .string(encoding)]
        if sendDimensions { body["dimensions"] = .int(Int64(dimensions)) }
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json"), ("Accept", "application/json")]
        if let apiKey, !apiKey.isEmpty { headers.append(("Authorization", "Bearer \(apiKey)")) }
        let url = baseURL.appendingPathComponent("v1/embeddings")
        let transfer = CurlTransfer(method: "POST", url: url, headers: headers, body: JSONValue.object(body).jsonData(), timeout: timeout, maxBytes: 256 << 20)
        let where_ = "\(url.host ?? "the server")\(url.port.map { ":\($0)" } ?? "")"
        let response: CurlTransfer.Response
        switch await transfer.performOffPool() {
        case .success(let value): response = value
        case .failure(.timedOut): throw EmbeddingRetryableError("The embeddings server at \(where_) did not answer within \(timeout).", status: nil)
        case .failure(.connection(let reason)): throw EmbeddingRetryableError("The embeddings server at \(where_) could not be reached: \(reason). Check base_url.", status: nil)
        case .failure(.certificate(let reason)):
            throw NonRetryableError("The embeddings server at \(where_) has a TLS certificate this host refuses (\(reason)); fix the certificate or trust its issuer in the system's CA store.")
        case .failure(.tooLarge): throw NonRetryableError("The embeddings server at \(where_) answered more than 256 MiB; lower request_batch.")
        }
        let json = try? JSONValue(json: response.body)
        guard (200...299).contains(response.status) else {
            var message = json.flatMap(Self.errorMessage) ?? Self.excerpt(response.body)
            // A server may echo the request's credentials in its error; they never go further.
            if let apiKey, !apiKey.isEmpty { message = message.replacingOccurrences(of: apiKey, with: "[redacted]") }
            if response.status == 429 || response.status >= 500 {
                throw EmbeddingRetryableError("The embeddings server at \(where_) answered \(response.status): \(message)", status: response.status,
                                              retryAfter: RetryAfter.delay(response.header("retry-after"), now: Date()))
            }
            throw NonRetryableError("The embeddings server at \(where_) answered \(response.status): \(message)")
        }
        guard let json, case .array(let data)? = json["data"] else {
            throw NonRetryableError("The embeddings server at \(where_) answered something that is not an embeddings response (\(response.header("content-type") ?? "no content type")): \(Self.excerpt(response.body)). Check base_url (it should serve /v1/embeddings).")
        }
        guard data.count == inputs.count else {
            throw NonRetryableError("The embeddings server at \(where_) returned \(data.count) vectors for \(inputs.count) inputs.")
        }
        var vectors = [[Float]](repeating: [], count: inputs.count)
        for (position, item) in data.enumerated() {
            let index = item["index"]?.intValue.map(Int.init) ?? position
            guard (0..<inputs.count).contains(index), vectors[index].isEmpty else {
                throw NonRetryableError("The embeddings server at \(where_) returned a vector with index \(index), out of place for \(inputs.count) inputs.")
            }
            var vector = try Self.vector(item["embedding"], at: index)
            guard vector.count == dimensions else {
                throw NonRetryableError("The embeddings server at \(where_) returned vectors of \(vector.count) dimensions; index space is \(space). Set dimensions to what \(model) gives (or send_dimensions = true for a model that can shorten).")
            }
            guard vector.allSatisfy(\.isFinite) else { throw NonRetryableError("The embeddings server at \(where_) returned a vector holding NaN or infinity (input \(index)).") }
            let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 0 else { throw NonRetryableError("The embeddings server at \(where_) returned an all-zero vector (input \(index)).") }
            for i in vector.indices { vector[i] /= norm }
            vectors[index] = vector
        }
        return vectors
    }

    /// `embedding` as floats, or base64 little-endian float32.
    static func vector(_ value: JSONValue?, at index: Int) throws -> [Float] {
        switch value {
        case .array(let items)?:
            return try items.map { item -> Float in
                switch item {
                case .number(let number): return Float(number)
                case .int(let number): return Float(number)
                default: throw NonRetryableError("Vector \(index) holds a value that is not a number.")
                }
            }
        case .string(let text)?:
            guard let data = Data(base64Encoded: text), data.count % 4 == 0 else { throw NonRetryableError("Vector \(index) is not base64 float32.") }
            return data.withUnsafeBytes { raw in (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) } }
        default:
            throw NonRetryableError("Vector \(index) is missing (no embedding field).")
        }
    }

    /// The message of an error body: OpenAI `{"error":{"message"}}`, TEI `{"error","error_type"}`,
    /// vLLM `{"object":"error","message"}`.
    static func errorMessage(_ json: JSONValue) -> String? {
        if let message = json["error"]?["message"]?.stringValue { return message }
        if let message = json["error"]?.stringValue { return message + (json["error_type"]?.stringValue.map { " (\($0))" } ?? "") }
        if json["object"]?.stringValue == "error", let message = json["message"]?.stringValue { return message }
        return nil
    }

    static func excerpt(_ body: Data) -> String {
        let text = String(decoding: body.prefix(200), as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
        return text.isEmpty ? "(an empty body)" : text
    }

}
