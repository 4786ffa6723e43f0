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

    /// Deletes deliveries received before `cutoff`; returns how many.
    static func purge(before cutoff: Date, _ tx: any StoreTransaction) throws -> Int {
        try tx.execute("DELETE FROM hook_deliveries WHERE seq IN (SELECT seq FROM hook_deliveries WHERE received_at < ? ORDER BY received_at LIMIT 10000)", [.time(cutoff)])
    }
}
