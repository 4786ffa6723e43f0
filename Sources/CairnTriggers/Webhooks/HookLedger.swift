import CairnStore
import Foundation

/// The deliveries of every hook: one row per verified delivery (and per replay), with the raw
/// body, the headers the scheme uses, the delivery ID that makes a repeat recognisable, what
/// the delivery did and what Cairn answered. A delivery's row commits in the same transaction
/// as its instance or its event; a verified delivery whose action failed is kept as a dead
/// letter with the same fields.
enum HookLedger {
    static let migrations = [
        StoreMigration(feature: "hooks", number: 1, "deliveries", sql: """
            CREATE TABLE hook_deliveries (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                hook TEXT NOT NULL,
                delivery TEXT,
                dedup_key TEXT,
                received_at INTEGER NOT NULL,
                outcome TEXT NOT NULL,
                detail TEXT,
                workflow TEXT NOT NULL,
                instance TEXT,
                event_type TEXT,
                status INTEGER NOT NULL,
                answer TEXT NOT NULL,
                body BLOB NOT NULL,
                headers TEXT NOT NULL,
                secret_index INTEGER,
                replay_of INTEGER
            ) STRICT;
            CREATE UNIQUE INDEX hook_deliveries_by_key ON hook_deliveries (hook, dedup_key) WHERE dedup_key IS NOT NULL;
            CREATE INDEX hook_deliveries_by_hook ON hook_deliveries (hook, seq);
            CREATE INDEX hook_deliveries_by_time ON hook_deliveries (received_at);
            """),
        // A sender retrying a delivery whose action keeps failing updates one dead letter
        // instead of adding a row per retry.
        StoreMigration(feature: "hooks", number: 2, "dead-letter attempts", sql: """
            ALTER TABLE hook_deliveries ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1;
            CREATE INDEX hook_deliveries_dead_letters ON hook_deliveries (hook, delivery) WHERE outcome = 'failed' AND replay_of IS NULL;
            """),
    ]

    /// Inserts a delivery unless one with its ID succeeded already; returns whether it
    /// inserted. Dead letters do not claim the ID, so the sender's retry runs the action again.
    @discardableResult
    static func insert(_ record: DeliveryRecord, _ tx: any StoreTransaction) throws -> Bool {
        try tx.execute("""
            INSERT INTO hook_deliveries (hook, delivery, dedup_key, received_at, outcome, detail, workflow, instance, event_type, status, answer, body, headers, secret_index, replay_of)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (hook, dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING
            """, [.text(record.hook), .text(record.deliveryID), .text(record.outcome == .failed || record.replayOf != nil ? nil : record.deliveryID), .time(record.receivedAt), .text(record.outcome.rawValue), .text(record.detail),
                  .text(record.workflow), .text(record.instance), .text(record.eventType), .integer(Int64(record.status)), .text(record.answer),
                  .blob(record.body), .text(record.headersJSON), .integer(record.secretIndex.map(Int64.init)), .integer(record.replayOf)]) > 0
    }

    /// Records another failed attempt of a delivery already kept as a dead letter (same hook
    /// and delivery ID): the attempt count, the latest answer and time. Returns whether one
    /// was there to update.
    static func recordRetry(of record: DeliveryRecord, _ tx: any StoreTransaction) throws -> Bool {
        guard let delivery = record.deliveryID, record.replayOf == nil, record.outcome == .failed else { return false }
        return try tx.execute("""
            UPDATE hook_deliveries SET attempts = attempts + 1, received_at = ?, detail = ?, instance = ?, event_type = ?, status = ?, answer = ?
            WHERE hook = ? AND delivery = ? AND outcome = 'failed' AND replay_of IS NULL
            """, [.time(record.receivedAt), .text(record.detail), .text(record.instance), .text(record.eventType), .integer(Int64(record.status)),
                  .text(record.answer), .text(record.hook), .text(delivery)]) > 0
    }

    /// How many times delivery `seq` of `hook` was replayed.
    static func replayCount(hook: String, of seq: Int64, _ tx: any StoreTransaction) throws -> Int {
        Int(try tx.row("SELECT COUNT(*) AS n FROM hook_deliveries WHERE hook = ? AND replay_of = ?", [.text(hook), .integer(seq)])?["n"].integer ?? 0)
    }

    static func find(hook: String, delivery: String, _ tx: any StoreTransaction) throws -> DeliveryRecord? {
        try tx.row("SELECT * FROM hook_deliveries WHERE hook = ? AND dedup_key = ?", [.text(hook), .text(delivery)]).map(DeliveryRecord.init)
    }

    static func find(hook: String, seq: Int64, _ tx: any StoreTransaction) throws -> DeliveryRecord? {
        try tx.row("SELECT * FROM hook_deliveries WHERE hook = ? AND seq = ?", [.text(hook), .integer(seq)]).map(DeliveryRecord.init)
    }

    /// Newest first, before `cursor` (a `seq`), dead letters only if `failedOnly`.
    static func page(hook: String, before cursor: Int64?, failedOnly: Bool, limit: Int, _ tx: any StoreTransaction) throws -> [DeliveryRecord] {
        var sql = "SELECT * FROM hook_deliveries WHERE hook = ?"
        var arguments: [SQLValue] = [.text(hook)]
        if let cursor {
            sql += " AND seq < ?"
            arguments.append(.integer(cursor))
        }
        if failedOnly { sql += " AND outcome = 'failed'" }
        sql += " ORDER BY seq DESC LIMIT ?"
        arguments.append(.integer(Int64(limit)))
        return try tx.rows(sql, arguments).map(DeliveryRecord.init)
    }

    /// The most deliveries one purge transaction deletes.
    static let purgeBatch = 10_000

    /// Deletes up to ``purgeBatch`` deliveries received before `cutoff`; returns how many.
    static func purge(before cutoff: Date, _ tx: any StoreTransaction) throws -> Int {
        try tx.execute("DELETE FROM hook_deliveries WHERE seq IN (SELECT seq FROM hook_deliveries WHERE received_at < ? ORDER BY received_at LIMIT ?)",
                       [.time(cutoff), .integer(Int64(purgeBatch))])
    }
}
