import Cairn
@testable import CairnEmbeddings
import CairnEngine
import CairnStore
import CairnTesting
import Foundation
import Testing

/// `embeddings.index` on the real engine and Cairn's database: a run that fails for good
/// leaves the previous version visible and none of its own chunks behind.
@Suite struct DocumentIndexerTests {
    struct Ingest: Workflow {
        struct Params: Codable, Sendable { var text: String }
        let settings: JSONValue
        let store: any EmbeddingIndexStore

        func run(event: WorkflowEvent<Params>, step: WorkflowStep) async throws -> JSONValue {
            guard let compound = EmbeddingsPlugin().actions["index"]?.compound else { throw NonRetryableError("no embeddings.index") }
            var context = PluginContext(workflow: "ingest", instanceID: event.instanceId, step: "index", attempt: 1, settings: settings, indexes: store)
            context.stepConfig = StepConfig(retries: RetryPolicy(limit: 0, delay: "1 second", backoff: .constant))
            return try await compound(["index": "semantic", "text": .string(event.payload.text), "source": "a.md"], context, step)
        }
    }

    static func settings(_ server: FakeEmbeddingServer) -> JSONValue {
        ["indexes": [["name": "semantic", "provider": "openai", "model": "m", "dimensions": 16, "base_url": .string(server.baseURL),
                      "chunk_size": 60, "overlap": 0, "batch": 1]]]
    }

    @Test func aRunThatFailsForGoodLeavesThePreviousVersionAndNoStagedChunks() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let good = try await FakeEmbeddingServer.start(in: dir.file("good"))
        defer { good.stop() }
        let failing = try await FakeEmbeddingServer.start(in: dir.file("failing"), arguments: ["--fail-after", "1"])
        defer { failing.stop() }
        let store = try SQLiteStore(path: dir.file("c.sqlite"), migrations: EmbeddingIndexTables.migrations)
        let tables = EmbeddingIndexTables(store: store)
        let v1 = "first version of the document. it has two chunks of text."
        let v2 = (0..<4).map { "second version, part \($0), a sentence of about sixty." }.joined(separator: " ")
        try await withTestEngine(store: store, register: {
            try $0.register(Ingest(settings: Self.settings(good), store: tables), as: "good")
            try $0.register(Ingest(settings: Self.settings(failing), store: tables), as: "failing")
        }) { engine in
            _ = try await engine.create("good", id: "v1", paramsJSON: JSONValue.object(["text": .string(v1)]).jsonData())
            #expect(try await engine.waitForCompletion("good", id: "v1").status == .complete)
            _ = try await engine.create("failing", id: "v2", paramsJSON: JSONValue.object(["text": .string(v2)]).jsonData())
            let failed = try await engine.waitForCompletion("failing", id: "v2")
            #expect(failed.status == .errored && failed.error?.message.contains("input rejected") == true, "\(String(describing: failed.error))")
            #expect(failing.requests().count == 2)          // batch 1 staged, batch 2 refused
            let visible = try tables.chunks(tables.vectors(of: "semantic").rowIDs).values.map(\.text).joined()
            #expect(visible.hasPrefix("first version"))
            #expect(try store.read { try $0.row("SELECT COUNT(*) AS n FROM embedding_chunks WHERE visible = 0")?["n"].integer } == 0)
        }
    }
}
