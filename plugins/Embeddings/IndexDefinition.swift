import Cairn
import Foundation

/// One `[[indexes]]` entry: a named index, the provider that embeds for it, and how its
/// documents are chunked.
///
/// ```toml
/// [[indexes]]
/// name = "docs"
/// provider = "hashing"      # built in, offline; "openai" for an OpenAI-compatible server
/// dimensions = 384
/// ```
public struct IndexDefinition: Sendable, Equatable {
    public var name: String
    public var provider: String
    public var model: String
    public var dimensions: Int
    /// Chunk size and overlap in characters.
    public var chunkSize: Int
    public var overlap: Int
    /// Chunks embedded (and written) per durable step.
    public var batch: Int
    /// For `provider = "openai"`: the server and how to talk to it.
    public var server: OpenAIEmbedder?

    public init(name: String, provider: String = "hashing", model: String = HashingEmbedder.version, dimensions: Int = 384,
                chunkSize: Int = 1000, overlap: Int = 150, batch: Int = 32) {
        self.name = name
        self.provider = provider
        self.model = model
        self.dimensions = dimensions
        self.chunkSize = chunkSize
        self.overlap = overlap
        self.batch = batch
    }

    /// `provider/model@dimensions`.
    public var space: String { "\(provider)/\(model)@\(dimensions)" }

    /// The embedder for this index.
    public func embedder() throws(WorkflowError) -> any Embedder {
        if let server { return server }
        return try HashingEmbedder(dimensions: dimensions)
    }

    static let keys: Set<String> = ["name", "provider", "model", "dimensions", "chunk_size", "overlap", "batch"]
    static let serverKeys: Set<String> = ["base_url", "api_key", "send_dimensions", "encoding_format", "request_batch", "max_request_bytes", "max_input_chars", "timeout"]

    /// Reads one entry (as JSON); throws naming the key.
    public init(json: JSONValue) throws(WorkflowError) {
        func refuse(_ message: String) -> WorkflowError { WorkflowError(.invalidArguments, message) }
        guard case .object(let members) = json else { throw refuse("an [[indexes]] entry must be a table.") }
        guard let name = members["name"]?.stringValue, !name.isEmpty, name.count <= 64,
              name.unicodeScalars.allSatisfy({ ($0.properties.isAlphabetic && $0.isASCII) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }) else {
            throw refuse("[[indexes]] needs name = \"docs\" (1 to 64 letters, digits, - and _).")
        }
        let at = "[[indexes]] \(name)"
        let provider = members["provider"]?.stringValue ?? "hashing"
        let allowed = provider == "openai" ? Self.keys.union(Self.serverKeys) : Self.keys
        if let unknown = members.keys.sorted().first(where: { !allowed.contains($0) }) {
            let hint = Self.serverKeys.contains(unknown) ? " (\(unknown) is for provider = \"openai\")" : ""
            throw refuse("\(at) has no key '\(unknown)'\(hint); it takes \(allowed.sorted().joined(separator: ", ")).")
        }
        func integer(_ key: String, _ fallback: Int, _ range: ClosedRange<Int>) throws(WorkflowError) -> Int {
            guard let value = members[key] else { return fallback }
            guard let number = value.intValue, range.contains(Int(number)) else { throw refuse("\(at): \(key) must be a whole number from \(range.lowerBound) to \(range.upperBound).") }
            return Int(number)
        }
        guard provider == "hashing" || provider == "openai" else {
            throw refuse("\(at): provider \"\(provider)\" is not one of hashing (built in, offline) or openai (any OpenAI-compatible server).")
        }
        let model: String
        if provider == "hashing" {
            model = members["model"]?.stringValue ?? HashingEmbedder.version
            guard model == HashingEmbedder.version else { throw refuse("\(at): the hashing provider's model is \(HashingEmbedder.version); leave model out.") }
        } else {
            guard let given = members["model"]?.stringValue, !given.isEmpty, !given.contains("@") else {
                throw refuse("\(at): provider = \"openai\" needs model = \"…\" (e.g. \"text-embedding-3-small\", or \"nomic-embed-text\" on Ollama).")
            }
            model = given
            guard members["dimensions"] != nil else {
                throw refuse("\(at): provider = \"openai\" needs dimensions, the size of \(model)'s vectors (1536 for text-embedding-3-small, 768 for nomic-embed-text): it is the index's vector space.")
            }
        }
        self.init(name: name, provider: provider, model: model, dimensions: try integer("dimensions", 384, provider == "hashing" ? 16...4096 : 16...8192),
                  chunkSize: try integer("chunk_size", 1000, 50...100_000), overlap: try integer("overlap", 150, 0...50_000), batch: try integer("batch", 32, 1...2048))
        _ = try Chunker(size: chunkSize, overlap: overlap)
        if provider == "openai" {
            guard let text = members["base_url"]?.stringValue, let given = URL(string: text), ["http", "https"].contains(given.scheme?.lowercased() ?? ""), given.host != nil else {
                throw refuse("\(at): provider = \"openai\" needs base_url = \"https://api.openai.com\" (or http://127.0.0.1:11434 for Ollama); /v1/embeddings is added.")
            }
            // "…/v1" is a common way to write it; the path is added by Cairn.
            var base = given
            if base.path.hasSuffix("/v1") || base.path.hasSuffix("/v1/") { base = base.deletingLastPathComponent() }
            let url = base
            var server = OpenAIEmbedder(baseURL: url, model: model, dimensions: dimensions, apiKey: members["api_key"]?.stringValue)
            if let flag = members["send_dimensions"] {
                guard case .bool(let value) = flag else { throw refuse("\(at): send_dimensions must be true or false.") }
                server.sendDimensions = value
            }
            if let format = members["encoding_format"] {
                guard let text = format.stringValue, text == "float" || text == "base64" else { throw refuse("\(at): encoding_format must be \"float\" or \"base64\".") }
                server.encoding = text
            }
            server.batchSize = try integer("request_batch", 32, 1...2048)
            server.maxRequestBytes = try integer("max_request_bytes", 1_000_000, 1024...100_000_000)
            server.maxInputCharacters = try integer("max_input_chars", 8_000, 16...10_000_000)
            if let text = members["timeout"]?.stringValue {
                guard let milliseconds = try? WorkflowDuration(parsing: text).milliseconds(), milliseconds > 0 else { throw refuse("\(at): timeout = \"\(text)\" is not a duration.") }
                server.timeout = .milliseconds(milliseconds)
            }
            self.server = server
        }
    }
}
