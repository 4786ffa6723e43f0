import Cairn
@testable import CairnEmbeddings
import CairnEngine
import CairnStore
import CairnTesting
import Foundation
import Synchronization
import Testing

/// `embeddings.rebuild` on the real engine and Cairn's database: the stored chunks are
/// re-embedded into the space the config names now and swapped in whole; a rebuild that
/// fails for good leaves the old vectors and nothing staged.
@Suite struct IndexRebuilderTests {
    /// Indexes a text or rebuilds the index, with the settings it is given.
    struct Job: Workflow {
        struct Params: Codable, Sendable { var text: String? }
        let settings: JSONValue
        let store: any EmbeddingIndexStore

        func run(event: WorkflowEvent<Params>, step: WorkflowStep) async throws -> JSONValue {
            let actions = EmbeddingsPlugin().actions
            var context = PluginContext(workflow: "job", instanceID: event.instanceId, step: "job", attempt: 1, settings: settings, indexes: store)
            context.stepConfig = StepConfig(retries: RetryPolicy(limit: 0, delay: "1 second", backoff: .constant))
            if let text = event.payload.text {
                guard let index = actions["index"]?.compound else { throw NonRetryableError("no embeddings.index") }
                return try await index(["index": "docs", "text": .string(text), "source": .string("doc-\(text.count).md")], context, step)
            }
            guard let rebuild = actions["rebuild"]?.compound else { throw NonRetryableError("no embeddings.rebuild") }
            return try await rebuild(["index": "docs"], context, step)
        }
    }

    static func hashing(_ dimensions: Int) -> JSONValue {
        ["indexes": [["name": "docs", "dimensions": .int(Int64(dimensions)), "chunk_size": 60, "overlap": 0, "batch": 2]]]
    }

    static let texts = [
        "durable workflows survive a crash. every step is stored in sqlite before the next one runs.",
        "cron schedules fire on time, and a missed tick is recorded with the reason it was missed.",
    ]

    @Test func aRebuildReEmbedsEveryChunkIntoTheNewSpaceAndQueriesFindThemThere() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStore(path: dir.file("c.sqlite"), migrations: EmbeddingIndexTables.migrations)
        let tables = EmbeddingIndexTables(store: store)
        try await withTestEngine(store: store, register: {
            try $0.register(Job(settings: Self.hashing(16), store: tables), as: "old")
            try $0.register(Job(settings: Self.hashing(64), store: tables), as: "new")
        }) { engine in
            for (number, text) in Self.texts.enumerated() {
                _ = try await engine.create("old", id: "index-\(number)", paramsJSON: JSONValue.object(["text": .string(text)]).jsonData())
                #expect(try await engine.waitForCompletion("old", id: "index-\(number)").status == .complete)
            }
            let before = try tables.vectors(of: "docs")
            let chunksBefore = try tables.chunks(before.rowIDs).values.sorted { $0.id < $1.id }
            #expect(before.dimensions == 16 && chunksBefore.count >= 4)
            // The config now says 64 dimensions: queries refuse until the rebuild.
            let definition = try EmbeddingsSettings(json: Self.hashing(64)).index("docs")
            await #expect(throws: IndexSpaceMismatch.self) { try await IndexSearcher().search("cron", in: definition, k: 3, mode: .vector, store: tables) }

            _ = try await engine.create("new", id: "rebuild", paramsJSON: Data("{}".utf8))
            let done = try await engine.waitForCompletion("new", id: "rebuild")
            #expect(done.status == .complete, "\(String(describing: done.error))")
            let output = try JSONValue(json: done.output ?? Data())
            #expect(output["chunks"]?.intValue == Int64(chunksBefore.count))
            #expect(output["space"] == "hashing/hash-v1@64" && output["previous_space"] == "hashing/hash-v1@16")
            let batches = (chunksBefore.count + 1) / 2
            #expect(output["batches"]?.intValue == Int64(batches))
            let steps = try engine.describe("new", id: "rebuild").steps.sorted { $0.seq < $1.seq }.map(\.key.name)
            #expect(steps == ["job: plan"] + (1...batches).map { "job: batch \($0) of \(batches)" } + ["job: swap"])

            let after = try tables.vectors(of: "docs")
            #expect(try after.dimensions == 64 && after.rowIDs.count == chunksBefore.count && tables.space(of: "docs") == "hashing/hash-v1@64")
            let chunksAfter = try tables.chunks(after.rowIDs).values.sorted { $0.id < $1.id }
            #expect(chunksAfter.map(\.id) == chunksBefore.map(\.id) && chunksAfter.map(\.text) == chunksBefore.map(\.text))
            #expect(chunksAfter.map(\.metadata) == chunksBefore.map(\.metadata))
            // Each vector is what the new embedder makes of the chunk's text.
            let expected = try await (try HashingEmbedder(dimensions: 64)).embed(try tables.chunks(after.rowIDs).sorted { $0.key < $1.key }.map(\.value.text))
            let stored = expected.flatMap { $0 }
            #expect(after.values.count == stored.count && zip(after.values, stored).allSatisfy { abs($0 - $1) < 1e-6 })
            let hits = try await IndexSearcher().search("a missed cron tick", in: definition, k: 1, mode: .vector, store: tables)
            #expect(hits.first?.text.contains("missed tick") == true)
            #expect(try store.read { try $0.row("SELECT COUNT(*) AS n FROM embedding_chunks WHERE visible = 0")?["n"].integer } == 0)
        }
    }

    @Test func aRebuildThatFailsForGoodKeepsTheOldVectorsAndLeavesNothingStaged() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let failing = try await FakeEmbeddingServer.start(in: dir.file("failing"), arguments: ["--fail-after", "1"])
        defer { failing.stop() }
        let store = try SQLiteStore(path: dir.file("c.sqlite"), migrations: EmbeddingIndexTables.migrations)
        let tables = EmbeddingIndexTables(store: store)
        let openai: JSONValue = ["indexes": [["name": "docs", "provider": "openai", "model": "m", "dimensions": 16, "base_url": .string(failing.baseURL),
                                              "chunk_size": 60, "overlap": 0, "batch": 1]]]
        try await withTestEngine(store: store, register: {
            try $0.register(Job(settings: Self.hashing(16), store: tables), as: "old")
            try $0.register(Job(settings: openai, store: tables), as: "new")
        }) { engine in
            _ = try await engine.create("old", id: "index", paramsJSON: JSONValue.object(["text": .string(Self.texts[0])]).jsonData())
            #expect(try await engine.waitForCompletion("old", id: "index").status == .complete)
            let before = try tables.vectors(of: "docs")
            _ = try await engine.create("new", id: "rebuild", paramsJSON: Data("{}".utf8))
            let failed = try await engine.waitForCompletion("new", id: "rebuild")
            #expect(failed.status == .errored && failed.error?.message.contains("input rejected") == true, "\(String(describing: failed.error))")
            #expect(failing.requests().count == 2)            // batch 1 staged, batch 2 refused
            let after = try tables.vectors(of: "docs")
            #expect(try after.rowIDs == before.rowIDs && after.values == before.values && tables.space(of: "docs") == "hashing/hash-v1@16")
            #expect(try store.read { try $0.row("SELECT COUNT(*) AS n FROM embedding_chunks WHERE visible = 0")?["n"].integer } == 0)
        }
    }

    /// Settings that change between attempts (the config edited while the appliance was down).
    final class Settings: Sendable {
        let value: Mutex<JSONValue>
        init(_ value: JSONValue) { self.value = Mutex(value) }
    }

    struct ChangingJob: Workflow {
        struct Params: Codable, Sendable { var text: String }
        let settings: Settings
        let store: any EmbeddingIndexStore

        func run(event: WorkflowEvent<Params>, step: WorkflowStep) async throws -> JSONValue {
            guard let index = EmbeddingsPlugin().actions["index"]?.compound else { throw NonRetryableError("no embeddings.index") }
            var context = PluginContext(workflow: "job", instanceID: event.instanceId, step: "job", attempt: 1, settings: settings.value.withLock { $0 }, indexes: store)
            context.stepConfig = StepConfig(retries: RetryPolicy(limit: 3, delay: "1 second", backoff: .constant))
            return try await index(["index": "docs", "text": .string(event.payload.text), "source": "a.md"], context, step)
        }
    }

    @Test func aRunWhoseIndexChangedSpaceMidwayPublishesNothing() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let throttled = try await FakeEmbeddingServer.start(in: dir.file("throttled"), arguments: ["--throttle", "1"])
        defer { throttled.stop() }
        let store = try SQLiteStore(path: dir.file("c.sqlite"), migrations: EmbeddingIndexTables.migrations)
        let tables = EmbeddingIndexTables(store: store)
        let settings = Settings(["indexes": [["name": "docs", "provider": "openai", "model": "m", "dimensions": 16, "base_url": .string(throttled.baseURL),
                                              "chunk_size": 60, "overlap": 0, "batch": 1]]])
        let clock = ManualClock()
        var configuration = EngineConfiguration()
        configuration.suspendAfter = .zero      // the wait for the retry unloads the run: it replays, as after a restart
        try await withTestEngine(store: store, clock: clock, configuration: configuration, register: {
            try $0.register(ChangingJob(settings: settings, store: tables), as: "job")
        }) { engine in
            _ = try await engine.create("job", id: "j", paramsJSON: JSONValue.object(["text": .string(Self.texts.joined(separator: " "))]).jsonData())
            // Batch 1 is throttled (429): the instance waits to retry it; meanwhile the entry changes.
            let now = clock.now()
            try await clock.waitForSleeper { $0 > now && $0 <= now.addingTimeInterval(2) }
            settings.value.withLock { $0 = Self.hashing(32) }
            clock.advance(by: 5)
            let failed = try await engine.waitForCompletion("job", id: "j")
            #expect(failed.status == .errored && failed.error?.message.contains("changed from openai/m@16 to hashing/hash-v1@32") == true, "\(String(describing: failed.error))")
            #expect(try store.read { try $0.row("SELECT COUNT(*) AS n FROM embedding_chunks")?["n"].integer } == 0)
            #expect(try tables.space(of: "docs") == "openai/m@16")
        }
    }

    @Test func concurrentFirstQueriesLoadAnIndexsVectorsOnce() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStore(path: dir.file("c.sqlite"), migrations: EmbeddingIndexTables.migrations)
        defer { store.close() }
        let tables = EmbeddingIndexTables(store: store)
        let definition = try EmbeddingsSettings(json: Self.hashing(16)).index("docs")
        try await tables.prepareIndex("docs", space: definition.space, dimensions: 16)
        let embedder = try HashingEmbedder(dimensions: 16)
        let texts = (0..<200).map { "chunk number \($0) about topic \($0 % 7)" }
        let vectors = try await embedder.embed(texts)
        try await tables.upsert(zip(texts, vectors).enumerated().map { IndexedChunk(id: "c\($0)", source: "s.md", chunkIndex: $0, text: $1.0, metadata: [:], vector: $1.1) },
                                into: "docs")
        let searcher = IndexSearcher()
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<16 { group.addTask { try await searcher.search("topic 3", in: definition, k: 5, mode: .vector, store: tables).count } }
            for try await count in group { #expect(count == 5) }
        }
        #expect(searcher.loads == 1)
        _ = try await searcher.search("topic 3", in: definition, k: 5, mode: .vector, store: tables)
        #expect(searcher.loads == 1)
        try await tables.upsert([IndexedChunk(id: "new", source: "t.md", chunkIndex: 0, text: "topic 3 again", metadata: [:], vector: vectors[3])], into: "docs")
        _ = try await searcher.search("topic 3", in: definition, k: 5, mode: .vector, store: tables)
        #expect(searcher.loads == 2)                      // a new version: loaded once more
    }
}
