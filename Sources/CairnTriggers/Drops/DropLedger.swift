import CairnStore
import Foundation

/// The files of every drop: one row per file taken (with its instance), refused or skipped
/// as a duplicate. A taken file's row commits in the same transaction as its instance.
enum DropLedger {
    static let migrations = [
        StoreMigration(feature: "drops", number: 1, "files", sql: """
            CREATE TABLE drop_files (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                drop_name TEXT NOT NULL,
                instance TEXT,
                name TEXT NOT NULL,
                stored TEXT,
                size INTEGER,
                sha256 TEXT,
                modified INTEGER,
                status TEXT NOT NULL,
                detail TEXT,
                claimed_at INTEGER NOT NULL,
                finished_at INTEGER
            ) STRICT;
            CREATE UNIQUE INDEX drop_files_by_instance ON drop_files (drop_name, instance) WHERE instance IS NOT NULL;
            CREATE INDEX drop_files_by_status ON drop_files (drop_name, status, seq);
            CREATE INDEX drop_files_by_digest ON drop_files (drop_name, sha256, claimed_at);
            """),
    ]

    /// Inserts a row unless one for its instance exists; returns whether it inserted.
    @discardableResult
    static func insert(_ record: DropFileRecord, _ tx: any StoreTransaction) throws -> Bool {
        try tx.execute("""
            INSERT INTO drop_files (drop_name, instance, name, stored, size, sha256, modified, status, detail, claimed_at, finished_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (drop_name, instance) WHERE instance IS NOT NULL DO NOTHING
            """, [.text(record.drop), .text(record.instance), .text(record.name), .text(record.stored), .integer(record.size), .text(record.sha256),
                  .time(record.modified), .text(record.status.rawValue), .text(record.detail), .time(record.claimedAt), .time(record.finishedAt)]) > 0
    }

    /// Marks the file of `instance` finished: its status, where it now lies, why.
    static func finish(drop: String, instance: String, status: DropFileRecord.Status, stored: String?, detail: String?, at: Date,
                       _ tx: any StoreTransaction) throws {
        try tx.execute("""
            UPDATE drop_files SET status = ?, stored = ?, detail = COALESCE(?, detail), finished_at = ?
            WHERE drop_name = ? AND instance = ? AND status = 'processing'
            """, [.text(status.rawValue), .text(stored), .text(detail), .time(at), .text(drop), .text(instance)])
    }

    static func find(drop: String, instance: String, _ tx: any StoreTransaction) throws -> DropFileRecord? {
        try tx.row("SELECT * FROM drop_files WHERE drop_name = ? AND instance = ?", [.text(drop), .text(instance)]).map(DropFileRecord.init)
    }

    /// The rows still `processing`.
    static func processing(drop: String, _ tx: any StoreTransaction) throws -> [DropFileRecord] {
        try tx.rows("SELECT * FROM drop_files WHERE drop_name = ? AND status = 'processing' ORDER BY seq", [.text(drop)]).map(DropFileRecord.init)
    }

    /// Whether a file with this digest was taken (and not failed) since `since`.
    static func seen(drop: String, sha256: String, since: Date, _ tx: any StoreTransaction) throws -> String? {
        try tx.row("""
            SELECT instance FROM drop_files WHERE drop_name = ? AND sha256 = ? AND claimed_at >= ? AND status IN ('processing', 'done')
            ORDER BY seq LIMIT 1
            """, [.text(drop), .text(sha256), .time(since)])?["instance"].text
    }

    /// Rows per status.
    static func counts(drop: String, _ tx: any StoreTransaction) throws -> [DropFileRecord.Status: Int] {
        var counts: [DropFileRecord.Status: Int] = [:]
        for row in try tx.rows("SELECT status, COUNT(*) AS n FROM drop_files WHERE drop_name = ? GROUP BY status", [.text(drop)]) {
            if let status = DropFileRecord.Status(rawValue: row["status"].text ?? "") { counts[status] = Int(row["n"].integer ?? 0) }
        }
        return counts
    }

    /// The newest row with an instance.
    static func lastTaken(drop: String, _ tx: any StoreTransaction) throws -> DropFileRecord? {
        try tx.row("SELECT * FROM drop_files WHERE drop_name = ? AND instance IS NOT NULL ORDER BY seq DESC LIMIT 1", [.text(drop)]).map(DropFileRecord.init)
    }

    /// Newest first, before `cursor`, of one status if given.
    static func page(drop: String, status: DropFileRecord.Status?, before cursor: Int64?, limit: Int, _ tx: any StoreTransaction) throws -> [DropFileRecord] {
        var sql = "SELECT * FROM drop_files WHERE drop_name = ?"
        var arguments: [SQLValue] = [.text(drop)]
        if let status {
            sql += " AND status = ?"
            arguments.append(.text(status.rawValue))
        }
        if let cursor {
            sql += " AND seq < ?"
            arguments.append(.integer(cursor))
        }
        sql += " ORDER BY seq DESC LIMIT ?"
        arguments.append(.integer(Int64(limit)))
        return try tx.rows(sql, arguments).map(DropFileRecord.init)
    }

    /// Finished rows whose file retention should delete: `status` rows finished before `cutoff`
    /// that still have a stored file.
    static func expired(drop: String, statuses: [DropFileRecord.Status], before cutoff: Date, limit: Int, _ tx: any StoreTransaction) throws -> [DropFileRecord] {
        let list = statuses.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return try tx.rows("""
            SELECT * FROM drop_files WHERE drop_name = ? AND status IN (\(list)) AND stored IS NOT NULL AND finished_at < ? ORDER BY seq LIMIT ?
            """, [.text(drop), .time(cutoff), .integer(Int64(limit))]).map(DropFileRecord.init)
    }

    /// Deletes rows of `statuses` whose file retention already deleted, finished before `cutoff`.
    static func purge(drop: String, statuses: [DropFileRecord.Status], before cutoff: Date, _ tx: any StoreTransaction) throws -> Int {
        let list = statuses.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return try tx.execute("DELETE FROM drop_files WHERE drop_name = ? AND status IN (\(list)) AND stored IS NULL AND finished_at < ?",
                              [.text(drop), .time(cutoff)])
    }

    static func forget(seq: Int64, _ tx: any StoreTransaction) throws {
        try tx.execute("UPDATE drop_files SET stored = NULL WHERE seq = ?", [.integer(seq)])
    }
}
