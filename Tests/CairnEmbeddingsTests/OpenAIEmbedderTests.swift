import Cairn
@testable import CairnEmbeddings
import CairnCurl
import CairnTesting
import Foundation
import Testing

/// The OpenAI-compatible provider against a loopback server speaking the real wire format.
@Suite struct OpenAIEmbedderTests {
    func embedder(_ server: FakeEmbeddingServer, dimensions: Int = 16) throws -> OpenAIEmbedder {
        OpenAIEmbedder(baseURL: try #require(URL(string: server.baseURL)), model: "nomic-embed-text", dimensions: dimensions, apiKey: "sk-test")
    }

    @Test func batchesRespectSizeAndBytesAndSendTheFieldsAsConfigured() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let server = try await FakeEmbeddingServer.start(in: dir.file("server"))
        defer { server.stop() }
        var client = try embedder(server)
        let texts = (0..<70).map { "text number \($0) " + String(repeating: "ab", count: $0 % 5) }
        let vectors = try await client.embed(texts)
        #expect(vectors.count == 70 && vectors.allSatisfy { $0.count == 16 && abs($0.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4 })
        var requests = server.requests()
        #expect(requests.map { $0["inputs"] as? Int } == [32, 32, 6])
        #expect(requests.allSatisfy { $0["encoding_format"] as? String == "float" && $0["dimensions"] is NSNull && $0["model"] as? String == "nomic-embed-text" })
        #expect(requests.first?["authorization"] as? String == "Bearer sk-test" && requests.first?["path"] as? String == "/v1/embeddings")

        // base64 gives the same vectors; dimensions go out only when asked; long inputs are cut.
        client.encoding = "base64"
        client.sendDimensions = true
        client.maxInputCharacters = 100
        client.maxRequestBytes = 2_000
        let long = (0..<10).map { String(repeating: "word\($0) ", count: 60) }
        let again = try await client.embed(Array(texts.prefix(3)) + long)
        #expect(Array(again.prefix(3)).elementsEqual(vectors.prefix(3)) { zip($0, $1).allSatisfy { abs($0 - $1) < 1e-6 } })
        requests = Array(server.requests().dropFirst(3))
        #expect(requests.allSatisfy { $0["encoding_format"] as? String == "base64" && $0["dimensions"] as? Int == 16 })
        #expect(requests.allSatisfy { ($0["bytes"] as? Int ?? .max) <= 2_200 && ($0["longest"] as? Int ?? .max) <= 100 }, "\(requests)")
        #expect(requests.reduce(0) { $0 + ($1["inputs"] as? Int ?? 0) } == 13)

        // Near texts come out near: the fake's vectors count letters.
        let probe = try await client.embed(["aaaa bbbb", "aaab bbba", "zzzz yyyy"])
        func cosine(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        #expect(cosine(probe[0], probe[1]) > cosine(probe[0], probe[2]))
    }

    @Test func a429IsRetryableWithRetryAfterAndOtherFailuresAreNot() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let throttled = try await FakeEmbeddingServer.start(in: dir.file("t"), arguments: ["--throttle", "1"])
        defer { throttled.stop() }
        let limited = await #expect(throws: EmbeddingRetryableError.self) { try await embedder(throttled).embed(["x"]) }
        #expect(limited?.status == 429 && limited?.retryAfter == .seconds(1) && limited?.message.contains("rate limited") == true)
        #expect(try await embedder(throttled).embed(["x"]).count == 1)
        #expect(RetryAfter.delay("Wed, 21 Oct 2099 07:28:00 GMT", now: Date()) == .seconds(86_400))     // an HTTP date, capped at a day

        let cases: [([String], String)] = [
            (["--wrong-count"], "returned 2 vectors for 3 inputs"),
            (["--wrong-dims"], "vectors of 17 dimensions"),
            (["--html"], "not an embeddings response"),
            (["--error", "openai"], "model not found"),
            (["--error", "tei"], "Input validation error: inputs too long (Validation)"),
            (["--error", "vllm"], "maximum context length is 512 tokens"),
        ]
        for (index, (arguments, mention)) in cases.enumerated() {
            let server = try await FakeEmbeddingServer.start(in: dir.file("s\(index)"), arguments: arguments)
            defer { server.stop() }
            let error = await #expect(throws: NonRetryableError.self) { try await embedder(server).embed(["a", "b", "c"]) }
            #expect(error?.message.contains(mention) == true, "\(arguments): \(String(describing: error))")
        }
        let unreachable = OpenAIEmbedder(baseURL: try #require(URL(string: "http://127.0.0.1:9")), model: "m", dimensions: 16)
        await #expect(throws: EmbeddingRetryableError.self) { try await unreachable.embed(["x"]) }
    }

    @Test func aCertificateThisHostRefusesFailsForGoodWhileARefusedConnectionIsRetried() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let certificate = try SelfSignedCertificate(in: dir.path)
        let server = try await FakeEmbeddingServer.start(in: dir.file("tls"), arguments: ["--tls", certificate.certificate, certificate.key])
        defer { server.stop() }
        let https = OpenAIEmbedder(baseURL: try #require(URL(string: "https://127.0.0.1:\(server.port)")), model: "m", dimensions: 16)
        let refused = await #expect(throws: NonRetryableError.self) { try await https.embed(["x"]) }
        #expect(refused?.message.contains("TLS certificate") == true, "\(String(describing: refused))")
        server.stop()
        let closed = OpenAIEmbedder(baseURL: try #require(URL(string: "http://127.0.0.1:\(server.port)")), model: "m", dimensions: 16)
        await #expect(throws: EmbeddingRetryableError.self) { try await closed.embed(["x"]) }
    }

    @Test func indexEntriesForTheOpenAIProviderAreCheckedNamingTheKey() throws {
        let good = try IndexDefinition(json: ["name": "semantic", "provider": "openai", "model": "text-embedding-3-small", "dimensions": 1536,
                                              "base_url": "https://api.openai.com", "api_key": "sk-x", "send_dimensions": true])
        #expect(good.space == "openai/text-embedding-3-small@1536" && good.server?.sendDimensions == true)
        let cases: [(JSONValue, String)] = [
            (["name": "s", "provider": "openai", "dimensions": 16, "base_url": "http://x"], "needs model"),
            (["name": "s", "provider": "openai", "model": "m", "base_url": "http://x"], "needs dimensions"),
            (["name": "s", "provider": "openai", "model": "m", "dimensions": 16], "needs base_url"),
            (["name": "s", "provider": "openai", "model": "m", "dimensions": 16, "base_url": "ftp://x"], "needs base_url"),
            (["name": "s", "base_url": "http://x"], "is for provider = \"openai\""),
            (["name": "s", "provider": "cohere"], "not one of hashing"),
            (["name": "s", "provider": "openai", "model": "m", "dimensions": 16, "base_url": "http://x", "encoding_format": "int8"], "encoding_format"),
        ]
        for (json, mention) in cases {
            let error = try #require(throws: WorkflowError.self) { try IndexDefinition(json: json) }
            #expect(error.message.contains(mention), "\(error.message)")
        }
    }
}
