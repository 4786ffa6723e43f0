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
}
