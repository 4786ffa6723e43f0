import Cairn
import Foundation
import Synchronization

/// Answers queries over the indexes: exact cosine top-k over an in-memory copy of each
/// index's vectors (reloaded when the index's version moves), BM25 through the store's FTS5
/// table, or both fused by reciprocal rank. One per plugin, shared by the action and the API.
public final class IndexSearcher: Sendable {
    /// How a query ranks chunks.
    public enum Mode: String, Sendable, CaseIterable {
        case vector, keyword, hybrid
    }

    /// One result.
    public struct Hit: Sendable, Equatable {
        public var score: Double
        public var source: String
        public var chunkIndex: Int
        public var text: String
        public var metadata: JSONValue

        public var jsonValue: JSONValue {
            ["score": .number(score), "source": .string(source), "chunk_index": .int(Int64(chunkIndex)), "text": .string(text), "metadata": metadata]
        }
    }

    private struct Loaded: Sendable {
        var version: Int64
        var matrix: VectorMatrix
        var rowIDs: [Int64]
    }

    /// An index's vectors as of one version of it, loaded once however many queries ask
    /// for that version at the same time.
    private struct Entry: Sendable {
        var version: Int64
        var load: Task<Loaded, any Error>
    }

    private let loaded = Mutex<[String: Entry]>([:])
    private let loadCount = Mutex(0)

    public init() {}

    /// The longest query text taken, in bytes.
    public static let maxQueryBytes = 8192

    /// The `k` chunks of `index` that best answer `query`.
    public func search(_ query: String, in index: IndexDefinition, k: Int, mode: Mode?, store: any EmbeddingIndexStore) async throws -> [Hit] {
        let text = query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw WorkflowError(.invalidArguments, "The query is empty; give the text to search for.") }
        guard text.utf8.count <= Self.maxQueryBytes else { throw WorkflowError(.invalidArguments, "The query is \(text.utf8.count) bytes; at most \(Self.maxQueryBytes) are taken.") }
        guard (1...100).contains(k) else { throw WorkflowError(.invalidArguments, "k = \(k) is out of range; ask for 1 to 100 results.") }
        let mode = mode ?? (index.provider == "hashing" ? .keyword : .hybrid)
        // Vectors of another space cannot be compared with the config's model's (keyword
        // search needs none, so it answers through a rebuild); an index with no chunks takes
        // the configured space when next written, so it is no mismatch.
        if mode != .keyword, let stored = try store.space(of: index.name), stored != index.space, !(try store.rowIDs(of: index.name).isEmpty) {
            throw IndexSpaceMismatch(index: index.name, stored: stored, configured: index.space)
        }
        let pool = mode == .hybrid ? min(max(k * 4, 20), 200) : k
        var ranked: [(rowID: Int64, score: Double)] = []
        switch mode {
        case .vector:
            ranked = try await vectorRanking(text, index: index, limit: k, store: store)
        case .keyword:
            ranked = try store.keywordSearch(HashingEmbedder.words(text), in: index.name, limit: k)
        case .hybrid:
            // The two rankings at once: the scan and the FTS query each keep a core busy.
            async let vectorPart = vectorRanking(text, index: index, limit: pool, store: store)
            async let keywordPart = Self.keywordRanking(text, index: index, limit: pool, store: store)
            let byVector = try await vectorPart
            let byKeyword = try await keywordPart
            ranked = VectorMatrix.reciprocalRankFusion([byVector.map(\.rowID), byKeyword.map(\.rowID)]).prefix(k).map { ($0.key, $0.score) }
        }
        let chunks = try store.chunks(ranked.map(\.rowID))
        return ranked.compactMap { entry in
            chunks[entry.rowID].map { Hit(score: entry.score, source: $0.source, chunkIndex: $0.chunkIndex, text: $0.text, metadata: $0.metadata) }
        }
    }

    private static func keywordRanking(_ text: String, index: IndexDefinition, limit: Int, store: any EmbeddingIndexStore) async throws -> [(rowID: Int64, score: Double)] {
        try store.keywordSearch(HashingEmbedder.words(text), in: index.name, limit: limit)
    }

    private func vectorRanking(_ text: String, index: IndexDefinition, limit: Int, store: any EmbeddingIndexStore) async throws -> [(rowID: Int64, score: Double)] {
        let embedder = try index.embedder()
        guard let query = try await embedder.embed([text]).first, query.count == index.dimensions else {
            throw NonRetryableError("The embedder gave no vector of \(index.dimensions) values for the query.")
        }
        // A query without words (only punctuation or emoji) has nothing to be near.
        guard query.contains(where: { $0 != 0 }) else { return [] }
        let current = try await matrix(for: index, store: store)
        return current.matrix.top(limit, to: query).map { (current.rowIDs[$0.row], Double($0.score)) }
    }

    /// The index's vectors in memory, reloaded when the store's version moved; queries that
    /// arrive while a load runs wait for it instead of loading again.
    private func matrix(for index: IndexDefinition, store: any EmbeddingIndexStore) async throws -> Loaded {
        let version = try store.version(of: index.name) ?? -1
        let load = loaded.withLock { entries in
            if let entry = entries[index.name], entry.version == version { return entry.load }
            // Unstructured, so that the first caller's cancellation does not cancel the load
            // the others wait for.
            let load = Task {
                self.loadCount.withLock { $0 += 1 }
                return try Self.load(index, store: store)
            }
            entries[index.name] = Entry(version: version, load: load)
            return load
        }
        do {
            return try await load.value
        } catch {
            // A failed load is not kept: the next query tries again.
            loaded.withLock { entries in if entries[index.name]?.version == version { entries[index.name] = nil } }
            throw error
        }
    }

    private static func load(_ index: IndexDefinition, store: any EmbeddingIndexStore) throws -> Loaded {
        let vectors = try store.vectors(of: index.name)
        var matrix = VectorMatrix(dimensions: index.dimensions)
        if vectors.dimensions == index.dimensions {
            vectors.values.withUnsafeBufferPointer { matrix.append(contentsOf: $0) }
        }
        return Loaded(version: vectors.version, matrix: matrix, rowIDs: vectors.dimensions == index.dimensions ? vectors.rowIDs : [])
    }

    /// How many times an index's vectors were read from the store (for tests).
    var loads: Int { loadCount.withLock { $0 } }
}
