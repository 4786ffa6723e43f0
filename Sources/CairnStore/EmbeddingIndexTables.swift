import Cairn
import Foundation

/// Cairn's own database as an ``EmbeddingIndexStore``: `embedding_indexes` (one row per index
/// and its vector space), `embedding_chunks` (text, metadata JSON, the vector as float32
/// little-endian bytes) and `embedding_chunks_fts`, an FTS5 table over the text kept in step
/// by triggers. Writes go through the store's group commit, reads through its readers.
public struct EmbeddingIndexTables: EmbeddingIndexStore {
    let store: any WorkflowStore

    public init(store: any WorkflowStore) {
        self.store = store
    }

    public static let migrations: [StoreMigration] = [
        StoreMigration(feature: "embeddings", number: 1, "indexes", sql: """
            CREATE TABLE embedding_indexes (
                name TEXT PRIMARY KEY,
                space TEXT NOT NULL,
                dimensions INTEGER NOT NULL,
                version INTEGER NOT NULL DEFAULT 0,
                updated_at INTEGER
            ) STRICT;
            CREATE TABLE embedding_chunks (
                rowid INTEGER PRIMARY KEY,
                index_name TEXT NOT NULL REFERENCES embedding_indexes(name) ON DELETE CASCADE,
                id TEXT NOT NULL,
                source TEXT NOT NULL,
                chunk_index INTEGER NOT NULL,
                text TEXT NOT NULL,
                metadata TEXT NOT NULL,
                vector BLOB NOT NULL,
                UNIQUE (index_name, id)
            ) STRICT;
            CREATE INDEX embedding_chunks_by_source ON embedding_chunks (index_name, source);
            CREATE VIRTUAL TABLE embedding_chunks_fts USING fts5(text, content = 'embedding_chunks', content_rowid = 'rowid');
            CREATE TRIGGER embedding_chunks_ai AFTER INSERT ON embedding_chunks BEGIN
                INSERT INTO embedding_chunks_fts (rowid, text) VALUES (new.rowid, new.text);
            END;
            CREATE TRIGGER embedding_chunks_ad AFTER DELETE ON embedding_chunks BEGIN
                INSERT INTO embedding_chunks_fts (embedding_chunks_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
            END;
            CREATE TRIGGER embedding_chunks_au AFTER UPDATE OF text ON embedding_chunks BEGIN
                INSERT INTO embedding_chunks_fts (embedding_chunks_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
                INSERT INTO embedding_chunks_fts (rowid, text) VALUES (new.rowid, new.text);
            END;
            """),
        // Two-phase versions: chunks of a run are staged invisible, then published at once.
        StoreMigration(feature: "embeddings", number: 2, "staged versions", sql: """
            ALTER TABLE embedding_chunks ADD COLUMN run TEXT;
            ALTER TABLE embedding_chunks ADD COLUMN visible INTEGER NOT NULL DEFAULT 1;
            CREATE INDEX embedding_chunks_by_run ON embedding_chunks (index_name, source, run);
            """),
    ]

    public func prepareIndex(_ name: String, space: String, dimensions: Int) async throws {
        if try store.read({ try $0.row("SELECT space FROM embedding_indexes WHERE name = ?", [.text(name)]) })?["space"].text == space { return }
        let now = Date()
        let stored: String? = try await store.transaction { tx in
            try tx.execute("INSERT INTO embedding_indexes (name, space, dimensions, version, updated_at) VALUES (?, ?, ?, 0, ?) ON CONFLICT (name) DO NOTHING",
                           [.text(name), .text(space), .integer(Int64(dimensions)), .time(now)])
            // An index without chunks (never filled, or emptied) takes the new space.
            if try tx.row("SELECT 1 AS one FROM embedding_chunks WHERE index_name = ? LIMIT 1", [.text(name)]) == nil {
                try tx.execute("UPDATE embedding_indexes SET space = ?, dimensions = ?, version = version + 1 WHERE name = ?",
                               [.text(space), .integer(Int64(dimensions)), .text(name)])
            }
            return try tx.row("SELECT space FROM embedding_indexes WHERE name = ?", [.text(name)])?["space"].text
        }
        if let stored, stored != space { throw Self.mismatch(name, holds: stored, asked: space) }
    }

    static func mismatch(_ name: String, holds: String, asked: String) -> NonRetryableError {
        NonRetryableError("Index \(name) holds vectors of \(holds); this asks for \(asked). Vectors of different spaces are never mixed: re-embed the stored chunks into the new space with `cairn indexes rebuild \(name)`, or give the new model an index of its own (a new [[indexes]] name).")
    }

    public func space(of index: String) throws -> String? {
        try store.read { try $0.row("SELECT space FROM embedding_indexes WHERE name = ?", [.text(index)])?["space"].text }
    }

    public func stage(_ chunks: [IndexedChunk], into index: String, run: String) async throws {
        guard !chunks.isEmpty else { return }
        let rows: [[SQLValue]] = chunks.map { chunk in
            let vector = chunk.vector.withUnsafeBufferPointer { Data(buffer: $0) }
            // A run's own id for the chunk, so two runs of one source never overwrite each other.
            return [.text(index), .text(chunk.id + "@" + run), .text(chunk.source), .integer(Int64(chunk.chunkIndex)), .text(chunk.text),
                    .text(String(decoding: chunk.metadata.jsonData(), as: UTF8.self)), .blob(vector), .text(run)]
        }
        try await store.transaction { tx in
            for row in rows {
                try tx.execute("""
                    INSERT INTO embedding_chunks (index_name, id, source, chunk_index, text, metadata, vector, run, visible) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)
                    ON CONFLICT (index_name, id) DO UPDATE SET chunk_index = excluded.chunk_index, text = excluded.text, metadata = excluded.metadata,
                        vector = excluded.vector
                    """, row)
            }
        }
    }

    public func discard(run: String, source: String, in index: String) async throws {
        try await store.transaction { tx in
            try tx.execute("DELETE FROM embedding_chunks WHERE index_name = ? AND source = ? AND run = ? AND visible = 0",
                           [.text(index), .text(source), .text(run)])
        }
    }

    public func publish(source: String, in index: String, run: String) async throws -> Int {
        let now = Date()
        return try await store.transaction { tx in
            // Nothing staged under this run: it was published already (a replay after a crash
            // between this commit and the step's record), and doing it again would remove it.
            let staged = try tx.row("SELECT COUNT(*) AS n FROM embedding_chunks WHERE index_name = ? AND source = ? AND run = ? AND visible = 0",
                                    [.text(index), .text(source), .text(run)])?["n"].integer ?? 0
            guard staged > 0 else { return 0 }
            let removed = try tx.execute("DELETE FROM embedding_chunks WHERE index_name = ? AND source = ? AND visible = 1",
                                         [.text(index), .text(source)])
            // The run's chunks become visible under their own ids (without the run's suffix).
            try tx.execute("""
                UPDATE embedding_chunks SET visible = 1, id = substr(id, 1, length(id) - length(?) - 1)
                WHERE index_name = ? AND source = ? AND run = ? AND visible = 0
                """, [.text(run), .text(index), .text(source), .text(run)])
            try tx.execute("UPDATE embedding_indexes SET version = version + 1, updated_at = ? WHERE name = ?", [.time(now), .text(index)])
            return removed
        }
    }

    public func upsert(_ chunks: [IndexedChunk], into index: String) async throws {
        guard !chunks.isEmpty else { return }
        let now = Date()
        let rows: [[SQLValue]] = chunks.map { chunk in
            let vector = chunk.vector.withUnsafeBufferPointer { Data(buffer: $0) }
            return [.text(index), .text(chunk.id), .text(chunk.source), .integer(Int64(chunk.chunkIndex)), .text(chunk.text),
                    .text(String(decoding: chunk.metadata.jsonData(), as: UTF8.self)), .blob(vector)]
        }
        try await store.transaction { tx in
            for row in rows {
                try tx.execute("""
                    INSERT INTO embedding_chunks (index_name, id, source, chunk_index, text, metadata, vector) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (index_name, id) DO UPDATE SET source = excluded.source, chunk_index = excluded.chunk_index,
                        text = excluded.text, metadata = excluded.metadata, vector = excluded.vector
                    """, row)
            }
            try tx.execute("UPDATE embedding_indexes SET version = version + 1, updated_at = ? WHERE name = ?", [.time(now), .text(index)])
        }
    }

    public func removeChunks(of source: String, in index: String, keeping: Set<String>) async throws -> Int {
        let now = Date()
        return try await store.transaction { tx in
            let ids = try tx.rows("SELECT rowid, id, visible FROM embedding_chunks WHERE index_name = ? AND source = ?", [.text(index), .text(source)])
            var removed = 0
            for row in ids where !keeping.contains(row["id"].text ?? "") {
                let deleted = try tx.execute("DELETE FROM embedding_chunks WHERE rowid = ?", [row["rowid"]])
                if row["visible"].integer != 0 { removed += deleted }
            }
            if removed > 0 {
                try tx.execute("UPDATE embedding_indexes SET version = version + 1, updated_at = ? WHERE name = ?", [.time(now), .text(index)])
            }
            return removed
        }
    }

    public func version(of index: String) throws -> Int64? {
        try store.read { try $0.row("SELECT version FROM embedding_indexes WHERE name = ?", [.text(index)])?["version"].integer }
    }

    public func vectors(of index: String) throws -> IndexVectors {
        try store.read { tx in
            guard let head = try tx.row("SELECT version, dimensions FROM embedding_indexes WHERE name = ?", [.text(index)]),
                  let version = head["version"].integer, let dimensions = head["dimensions"].integer.map(Int.init) else {
                return IndexVectors(version: -1, dimensions: 0, rowIDs: [], values: [])
            }
            let rows = try tx.rows("SELECT rowid, vector FROM embedding_chunks WHERE index_name = ? AND visible = 1 ORDER BY rowid", [.text(index)])
            var rowIDs: [Int64] = []
            var values: [Float] = []
            rowIDs.reserveCapacity(rows.count)
            values.reserveCapacity(rows.count * dimensions)
            for row in rows {
                guard let id = row["rowid"].integer, let blob = row["vector"].blob, blob.count == dimensions * MemoryLayout<Float>.size else { continue }
                rowIDs.append(id)
                blob.withUnsafeBytes { raw in values.append(contentsOf: raw.bindMemory(to: Float.self)) }
            }
            return IndexVectors(version: version, dimensions: dimensions, rowIDs: rowIDs, values: values)
        }
    }

    public func keywordSearch(_ terms: [String], in index: String, limit: Int) throws -> [(rowID: Int64, score: Double)] {
        let words = terms.filter { !$0.isEmpty }
        guard !words.isEmpty else { return [] }
        // Each term a quoted FTS5 string (quotes doubled), any of them matching.
        let query = words.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: " OR ")
        // FTS5 answers `ORDER BY rank LIMIT n` on its own table without scoring every match
        // through a join; the few rows it returns are then kept to this index's (fetching more
        // when other indexes' chunks took places).
        return try store.read { tx in
            var fetch = limit * 4 + 16
            while true {
                let rows = try tx.rows("""
                    SELECT f.rowid AS rowid, f.rank AS rank, c.index_name = ? AND c.visible = 1 AS mine
                    FROM (SELECT rowid, rank FROM embedding_chunks_fts WHERE embedding_chunks_fts MATCH ? ORDER BY rank LIMIT ?) f
                    JOIN embedding_chunks c ON c.rowid = f.rowid ORDER BY f.rank, f.rowid
                    """, [.text(index), .text(query), .integer(Int64(fetch))])
                let kept = rows.filter { $0["mine"].integer == 1 }.compactMap { row in row["rowid"].integer.map { (rowID: $0, score: -(row["rank"].real ?? 0)) } }
                // Past a quarter of a million matches the rest is too far down to matter.
                if kept.count >= limit || rows.count < fetch || fetch >= 1 << 18 { return Array(kept.prefix(limit)) }
                fetch *= 4
            }
        }
    }

    public func chunks(_ rowIDs: [Int64]) throws -> [Int64: IndexedChunk] {
        guard !rowIDs.isEmpty else { return [:] }
        let marks = Array(repeating: "?", count: rowIDs.count).joined(separator: ", ")
        return try store.read { tx in
            var found: [Int64: IndexedChunk] = [:]
            for row in try tx.rows("SELECT rowid, id, source, chunk_index, text, metadata FROM embedding_chunks WHERE rowid IN (\(marks))", rowIDs.map { .integer($0) }) {
                guard let rowID = row["rowid"].integer else { continue }
                let metadata = (try? JSONValue(json: Data((row["metadata"].text ?? "{}").utf8))) ?? .object([:])
                found[rowID] = IndexedChunk(id: row["id"].text ?? "", source: row["source"].text ?? "", chunkIndex: Int(row["chunk_index"].integer ?? 0),
                                            text: row["text"].text ?? "", metadata: metadata, vector: [])
            }
            return found
        }
    }

    public func summaries() throws -> [IndexSummary] {
        try store.read { tx in
            try tx.rows("""
                SELECT i.name, i.space, i.dimensions, i.updated_at,
                       (SELECT COUNT(*) FROM embedding_chunks c WHERE c.index_name = i.name AND c.visible = 1) AS chunks,
                       (SELECT COUNT(DISTINCT source) FROM embedding_chunks c WHERE c.index_name = i.name AND c.visible = 1) AS sources
                FROM embedding_indexes i ORDER BY i.name
                """).map { row in
                IndexSummary(name: row["name"].text ?? "", space: row["space"].text ?? "", dimensions: Int(row["dimensions"].integer ?? 0),
                             chunks: Int(row["chunks"].integer ?? 0), sources: Int(row["sources"].integer ?? 0), updatedAt: row.time("updated_at"))
            }
        }
    }

    public func rowIDs(of index: String) throws -> [Int64] {
        try store.read { tx in
            try tx.rows("SELECT rowid FROM embedding_chunks WHERE index_name = ? AND visible = 1 ORDER BY rowid", [.text(index)]).compactMap { $0["rowid"].integer }
        }
    }

    public func visibleChunks(in index: String, rowIDs: ClosedRange<Int64>) throws -> [IndexedChunk] {
        try store.read { tx in
            try tx.rows("""
                SELECT id, source, chunk_index, text, metadata FROM embedding_chunks
                WHERE index_name = ? AND visible = 1 AND rowid BETWEEN ? AND ? ORDER BY rowid
                """, [.text(index), .integer(rowIDs.lowerBound), .integer(rowIDs.upperBound)]).map { row in
                let metadata = (try? JSONValue(json: Data((row["metadata"].text ?? "{}").utf8))) ?? .object([:])
                return IndexedChunk(id: row["id"].text ?? "", source: row["source"].text ?? "", chunkIndex: Int(row["chunk_index"].integer ?? 0),
                                    text: row["text"].text ?? "", metadata: metadata, vector: [])
            }
        }
    }

    public func swap(_ index: String, run: String, space: String, dimensions: Int, ifVersion version: Int64) async throws -> Int {
        let now = Date()
        // `nil` when the index moved on: thrown outside the transaction, so it stays a
        // NonRetryableError (the store wraps what a transaction body throws).
        let shown: Int? = try await store.transaction { tx in
            let staged = try tx.row("SELECT COUNT(*) AS n FROM embedding_chunks WHERE index_name = ? AND run = ? AND visible = 0",
                                    [.text(index), .text(run)])?["n"].integer ?? 0
            let head = try tx.row("SELECT space, version FROM embedding_indexes WHERE name = ?", [.text(index)])
            func visible() throws -> Int {
                Int(try tx.row("SELECT COUNT(*) AS n FROM embedding_chunks WHERE index_name = ? AND visible = 1", [.text(index)])?["n"].integer ?? 0)
            }
            // Swapped already (a replay after a crash between this commit and the step's record).
            if staged == 0, head?["space"].text == space, head?["version"].integer != version { return try visible() }
            guard let current = head?["version"].integer, current == version else { return nil }
            try tx.execute("DELETE FROM embedding_chunks WHERE index_name = ? AND visible = 1", [.text(index)])
            try tx.execute("""
                UPDATE embedding_chunks SET visible = 1, id = substr(id, 1, length(id) - length(?) - 1)
                WHERE index_name = ? AND run = ? AND visible = 0
                """, [.text(run), .text(index), .text(run)])
            try tx.execute("UPDATE embedding_indexes SET space = ?, dimensions = ?, version = version + 1, updated_at = ? WHERE name = ?",
                           [.text(space), .integer(Int64(dimensions)), .time(now), .text(index)])
            return try visible()
        }
        guard let shown else {
            throw NonRetryableError("Index \(index) changed while it was being rebuilt (a document was indexed or deleted meanwhile), so the rebuilt chunks would be stale; nothing was swapped. Run the rebuild again when indexing is quiet.")
        }
        return shown
    }

    public func discard(run: String, in index: String) async throws {
        try await store.transaction { tx in
            try tx.execute("DELETE FROM embedding_chunks WHERE index_name = ? AND run = ? AND visible = 0", [.text(index), .text(run)])
        }
    }

    public func sweepAbandonedRuns() async throws -> Int {
        // A run is named `<instance id>/<step>`; it is abandoned when no instance of that id
        // is still live (queued, running, waiting or paused).
        try await store.transaction { tx in
            try tx.execute("""
                DELETE FROM embedding_chunks WHERE visible = 0 AND NOT EXISTS (
                    SELECT 1 FROM instances i WHERE i.id = substr(embedding_chunks.run, 1, instr(embedding_chunks.run, '/') - 1)
                    AND i.status <> 'complete' AND i.status <> 'errored' AND i.status <> 'terminated')
                """)
        }
    }
}
