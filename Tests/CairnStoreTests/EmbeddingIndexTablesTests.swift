import Cairn
import CairnStore
import CairnTesting
import Foundation
import Testing

/// Embedding indexes in Cairn's own database: one vector space per index, upserts by id,
/// stale chunks removed, FTS5 kept in step with the chunks.
@Suite struct EmbeddingIndexTablesTests {
    func chunk(_ source: String, _ index: Int, _ text: String, _ vector: [Float] = [1, 0, 0, 0]) -> IndexedChunk {
        IndexedChunk(id: "\(source)#\(index)#\(text.utf8.count)-\(text.unicodeScalars.reduce(0) { $0 &* 31 &+ Int($1.value) })", source: source, chunkIndex: index, text: text, metadata: ["n": .int(Int64(index))], vector: vector)
    }

    @Test func chunksAreUpsertedByIDReplacedPerSourceAndSearchableByKeyword() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStore(path: dir.file("c.sqlite"), migrations: EmbeddingIndexTables.migrations)
        defer { store.close() }
        let tables = EmbeddingIndexTables(store: store)
        try await tables.prepareIndex("docs", space: "hashing/hash-v1@4", dimensions: 4)
        try await tables.prepareIndex("docs", space: "hashing/hash-v1@4", dimensions: 4)        // same space: fine

        let first = [chunk("a.md", 0, "durable workflows survive a crash"), chunk("a.md", 1, "cron schedules fire on time"),
                     chunk("b.md", 0, "bread is baked at two hundred degrees", [0, 1, 0, 0])]
        try await tables.upsert(first, into: "docs")
        // Holding vectors, the index refuses another space.
        let mismatch = await #expect(throws: NonRetryableError.self) { try await tables.prepareIndex("docs", space: "openai/text-embedding-3-small@1536", dimensions: 1536) }
        #expect(mismatch?.message.contains("an index of its own") == true)
        let before = try #require(try tables.version(of: "docs"))
        try await tables.upsert(first, into: "docs")       // again: replaced, not duplicated
        #expect(try tables.summaries() == [IndexSummary(name: "docs", space: "hashing/hash-v1@4", dimensions: 4, chunks: 3, sources: 2,
                                                         updatedAt: try tables.summaries().first?.updatedAt)])
        #expect(try tables.version(of: "docs") ?? 0 > before)

        // a.md again with one chunk changed and one fewer: exactly the new chunks remain.
        let second = [chunk("a.md", 0, "durable workflows survive a restart")]
        try await tables.upsert(second, into: "docs")
        #expect(try await tables.removeChunks(of: "a.md", in: "docs", keeping: Set(second.map(\.id))) == 2)
        let vectors = try tables.vectors(of: "docs")
        #expect(vectors.rowIDs.count == 2 && vectors.values.count == 8 && vectors.dimensions == 4)
        let stored = try tables.chunks(vectors.rowIDs)
        #expect(Set(stored.values.map(\.text)) == ["durable workflows survive a restart", "bread is baked at two hundred degrees"])
        #expect(stored.values.first { $0.source == "a.md" }?.metadata == ["n": 0])

        // FTS follows every insert, update and delete.
        let hits = try tables.keywordSearch(["restart", "crash"], in: "docs", limit: 5)
        #expect(try tables.chunks(hits.map(\.rowID)).values.map(\.text) == ["durable workflows survive a restart"])
        #expect(hits.allSatisfy { $0.score > 0 })
        #expect(try tables.keywordSearch(["crash"], in: "docs", limit: 5).isEmpty)
        #expect(try tables.keywordSearch(["cron"], in: "docs", limit: 5).isEmpty)
        #expect(try tables.keywordSearch(["\"quoted\" OR", "bread"], in: "docs", limit: 5).count == 1)     // terms are quoted, never syntax
        #expect(try await tables.removeChunks(of: "b.md", in: "docs", keeping: []) == 1)
        #expect(try tables.summaries().first?.chunks == 1 && tables.keywordSearch(["bread"], in: "docs", limit: 5).isEmpty)
        #expect(try tables.version(of: "nope") == nil && tables.vectors(of: "nope").rowIDs.isEmpty)
    }

    @Test func keywordSearchFindsAnIndexsChunksWhenAnotherIndexOutranksThem() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStore(path: dir.file("c.sqlite"), migrations: EmbeddingIndexTables.migrations)
        defer { store.close() }
        let tables = EmbeddingIndexTables(store: store)
        try await tables.prepareIndex("small", space: "hashing/hash-v1@4", dimensions: 4)
        try await tables.prepareIndex("big", space: "hashing/hash-v1@4", dimensions: 4)
        // "big" has 200 chunks that match better (the word, and little else).
        try await tables.upsert((0..<200).map { chunk("big.md", $0, "apple apple \($0)") }, into: "big")
        try await tables.upsert([chunk("small.md", 0, "an apple among many other words in a longer sentence here"),
                                 chunk("small.md", 1, "one more apple mentioned in passing with plenty of other words")], into: "small")
        let hits = try tables.keywordSearch(["apple"], in: "small", limit: 5)
        #expect(hits.count == 2)
        #expect(Set(try tables.chunks(hits.map(\.rowID)).values.map(\.source)) == ["small.md"])
        #expect(try tables.keywordSearch(["apple"], in: "big", limit: 5).count == 5)
    }

    @Test func aStagedVersionIsInvisibleUntilPublishedAndTheLastPublishedWinsWhole() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStore(path: dir.file("c.sqlite"), migrations: EmbeddingIndexTables.migrations)
        defer { store.close() }
        let tables = EmbeddingIndexTables(store: store)
        try await tables.prepareIndex("docs", space: "s@4", dimensions: 4)
        try await tables.stage([chunk("a.md", 0, "first version one"), chunk("a.md", 1, "first version two")], into: "docs", run: "r1")
        #expect(try tables.summaries().first?.chunks == 0 && tables.vectors(of: "docs").rowIDs.isEmpty && tables.keywordSearch(["first"], in: "docs", limit: 5).isEmpty)
        #expect(try await tables.publish(source: "a.md", in: "docs", run: "r1") == 0)
        #expect(try tables.summaries().first?.chunks == 2)
        // Two runs of a.md at once: r2 (long) staged partly, r3 (short) published, then r2 finishes and publishes.
        try await tables.stage([chunk("a.md", 0, "second version one")], into: "docs", run: "r2")
        try await tables.stage([chunk("a.md", 0, "third version")], into: "docs", run: "r3")
        #expect(try await tables.publish(source: "a.md", in: "docs", run: "r3") == 2)
        #expect(try tables.chunks(tables.vectors(of: "docs").rowIDs).values.map(\.text) == ["third version"])
        try await tables.stage([chunk("a.md", 1, "second version two")], into: "docs", run: "r2")
        #expect(try await tables.publish(source: "a.md", in: "docs", run: "r2") == 1)
        // Published again (a replay after a crash before the step's record): nothing changes.
        #expect(try await tables.publish(source: "a.md", in: "docs", run: "r2") == 0)
        let published = try tables.chunks(tables.vectors(of: "docs").rowIDs).values
        #expect(published.count == 2 && published.allSatisfy { !$0.id.contains("@") })       // under their own ids
        #expect(Set(try tables.chunks(tables.vectors(of: "docs").rowIDs).values.map(\.text)) == ["second version one", "second version two"])
        // A run that never publishes changes nothing visible.
        try await tables.stage([chunk("a.md", 0, "abandoned")], into: "docs", run: "r4")
        #expect(try tables.keywordSearch(["abandoned"], in: "docs", limit: 5).isEmpty && tables.summaries().first?.chunks == 2)
        // Emptied, the index takes another space.
        #expect(try await tables.removeChunks(of: "a.md", in: "docs", keeping: []) == 2)
        try await tables.prepareIndex("docs", space: "other@8", dimensions: 8)
        #expect(try tables.space(of: "docs") == "other@8")
    }

    @Test func aRebuildStagesEveryChunkInTheNewSpaceAndSwapsThemInAtOnce() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStore(path: dir.file("c.sqlite"), migrations: EmbeddingIndexTables.migrations)
        defer { store.close() }
        let tables = EmbeddingIndexTables(store: store)
        try await tables.prepareIndex("docs", space: "old@4", dimensions: 4)
        let old = [chunk("a.md", 0, "alpha one"), chunk("a.md", 1, "alpha two"), chunk("b.md", 0, "beta")]
        try await tables.upsert(old, into: "docs")
        let version = try #require(try tables.version(of: "docs"))
        let rows = try tables.rowIDs(of: "docs")
        #expect(rows.count == 3 && rows == rows.sorted())
        // Batches read by row range: only visible chunks, in order, with their ids and metadata.
        let firstTwo = try tables.visibleChunks(in: "docs", rowIDs: rows[0]...rows[1])
        #expect(firstTwo.map(\.text) == ["alpha one", "alpha two"] && firstTwo.map(\.id) == Array(old.prefix(2).map(\.id)) && firstTwo[1].metadata == ["n": 1])
        let rebuilt = try tables.visibleChunks(in: "docs", rowIDs: rows[0]...rows[2]).map { chunk -> IndexedChunk in
            var copy = chunk
            copy.vector = [1, 0, 0, 0, 0, 0, 0, 0]
            return copy
        }
        try await tables.stage(rebuilt, into: "docs", run: "rb/rebuild")
        // Until the swap, queries see the old vectors only.
        #expect(try tables.vectors(of: "docs").dimensions == 4 && tables.vectors(of: "docs").rowIDs == rows)
        #expect(try await tables.swap("docs", run: "rb/rebuild", space: "new@8", dimensions: 8, ifVersion: version) == 3)
        let after = try tables.vectors(of: "docs")
        #expect(try after.dimensions == 8 && after.values.count == 24 && tables.space(of: "docs") == "new@8")
        #expect(Set(try tables.chunks(after.rowIDs).values.map(\.id)) == Set(old.map(\.id)))     // same ids, no suffix
        #expect(try tables.keywordSearch(["beta"], in: "docs", limit: 5).count == 1)
        // Swapped again (a replay after a crash): nothing changes.
        #expect(try await tables.swap("docs", run: "rb/rebuild", space: "new@8", dimensions: 8, ifVersion: version) == 3)
        #expect(try tables.vectors(of: "docs").rowIDs == after.rowIDs)

        // A write during a rebuild makes its swap refuse (the staged chunks would be stale).
        let moved = try #require(try tables.version(of: "docs"))
        try await tables.stage(rebuilt.prefix(1).map { $0 }, into: "docs", run: "rb2/rebuild")
        try await tables.upsert([chunk("c.md", 0, "gamma", [1, 0, 0, 0, 0, 0, 0, 0])], into: "docs")
        let refused = await #expect(throws: NonRetryableError.self) { try await tables.swap("docs", run: "rb2/rebuild", space: "new@8", dimensions: 8, ifVersion: moved) }
        #expect(refused?.message.contains("changed while it was being rebuilt") == true)
        #expect(try tables.summaries().first?.chunks == 4)
        try await tables.discard(run: "rb2/rebuild", in: "docs")
        #expect(try store.read { try $0.row("SELECT COUNT(*) AS n FROM embedding_chunks WHERE visible = 0")?["n"].integer } == 0)
    }

    @Test func theStartupSweepRemovesStagedChunksOfRunsWhoseInstanceEndedAndKeepsLiveOnes() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStore(path: dir.file("c.sqlite"), migrations: EmbeddingIndexTables.migrations)
        defer { store.close() }
        let tables = EmbeddingIndexTables(store: store)
        try await tables.prepareIndex("docs", space: "s@4", dimensions: 4)
        try await tables.upsert([chunk("a.md", 0, "published")], into: "docs")
        for (id, status) in [("live", "waiting"), ("ended", "terminated")] {
            try await store.transaction { tx in
                try tx.execute("""
                    INSERT INTO instances (workflow, id, status, params, trigger, created_at, updated_at) VALUES ('ingest', ?, ?, x'7B7D', 'api', 0, 0)
                    """, [.text(id), .text(status)])
            }
        }
        try await tables.stage([chunk("b.md", 0, "live run")], into: "docs", run: "live/index")
        try await tables.stage([chunk("b.md", 0, "ended run"), chunk("b.md", 1, "ended run two")], into: "docs", run: "ended/index")
        try await tables.stage([chunk("c.md", 0, "no instance")], into: "docs", run: "gone/index")
        #expect(try await tables.sweepAbandonedRuns() == 3)
        let left = try store.read { try $0.rows("SELECT run, visible FROM embedding_chunks ORDER BY rowid").map { "\($0["run"].text ?? "-")/\($0["visible"].integer ?? -1)" } }
        #expect(left == ["-/1", "live/index/0"])
    }
}
