import Cairn
import Foundation
internal import GRDB

/// The read side: every method is one read on a reader connection.
extension SQLiteStore {
    public func instance(workflow: String, id: String) throws -> InstanceRecord? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(InstanceRecord.columns) FROM instances WHERE workflow = ? AND id = ?", arguments: [workflow, id])
                .map(InstanceRecord.init(row:))
        }
    }

    public func instance(rowID: Int64) throws -> InstanceRecord? {
        try pool.read { db in try Self.instance(rowID: rowID, db) }
    }

    static func instance(rowID: Int64, _ db: Database) throws -> InstanceRecord? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(InstanceRecord.columns) FROM instances WHERE rowid = ?"), arguments: [rowID])
            .map(InstanceRecord.init(row:))
    }

    static func steps(of rowID: Int64, _ db: Database) throws -> [StepRecord] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT \(StepRecord.columns) FROM steps WHERE instance = ? ORDER BY seq"), arguments: [rowID])
            .map(StepRecord.init(row:))
    }

    public func replayState(rowID: Int64) throws -> (InstanceRecord, [StepRecord])? {
        try pool.read { db in
            guard let instance = try Self.instance(rowID: rowID, db) else { return nil }
            return (instance, try Self.steps(of: rowID, db))
        }
    }

    public func history(workflow: String, id: String) throws -> InstanceHistory? {
        try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT \(InstanceRecord.columns) FROM instances WHERE workflow = ? AND id = ?", arguments: [workflow, id]) else {
                return nil
            }
            let instance = InstanceRecord(row: row)
            let steps = try Self.steps(of: instance.rowID, db)
            let attempts = steps.flatMap(\.attemptLog).sorted { ($0.name, $0.count, $0.attempt) < ($1.name, $1.count, $1.attempt) }
            return InstanceHistory(instance: instance, steps: steps, attempts: attempts)
        }
    }

    public func listInstances(workflow: String, status: InstanceStatus?, limit: Int, before: InstanceCursor?) throws -> [InstanceRecord] {
        try pool.read { db in
            var sql = "SELECT \(InstanceRecord.columns) FROM instances WHERE workflow = ?"
            var arguments: StatementArguments = [workflow]
            if let status {
                sql += " AND status = ?"
                arguments += [status.rawValue]
            }
            if let before {
                // A row value, which SQLite seeks to in the (workflow[, status], created_at) index
                // (rowid is its last column); the equivalent OR scanned from the newest row.
                sql += " AND (created_at, rowid) < (?, ?)"
                arguments += [before.createdAt.millis, before.rowID]
            }
            sql += " ORDER BY created_at DESC, rowid DESC LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(InstanceRecord.init(row:))
        }
    }

    public func latestInstance(workflow: String) throws -> InstanceRecord? {
        try listInstances(workflow: workflow, status: nil, limit: 1, before: nil).first
    }

    public func countsByStatus() throws -> [String: [InstanceStatus: Int]] {
        try pool.read { db in
            var counts: [String: [InstanceStatus: Int]] = [:]
            // Kept by triggers in the same transactions as the rows (Schema v4): no scan.
            for row in try Row.fetchAll(db, sql: "SELECT workflow, status, n FROM instance_counts WHERE n > 0") {
                let status = InstanceStatus(rawValue: row["status"]) ?? .unknown
                counts[row["workflow"], default: [:]][status, default: 0] += row["n"] as Int
            }
            return counts
        }
    }

    public func timers(until: Date?, limit: Int) throws -> [(instance: Int64, wakeAt: Date)] {
        try pool.read { db in
            let rows: [Row]
            if let until {
                rows = try Row.fetchAll(db, sql: "SELECT instance, wake_at FROM timers WHERE wake_at <= ? ORDER BY wake_at LIMIT ?", arguments: [until.millis, limit])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT instance, wake_at FROM timers ORDER BY wake_at LIMIT ?", arguments: [limit])
            }
            return rows.map { (instance: $0["instance"], wakeAt: Date(millis: $0["wake_at"])) }
        }
    }

    public func orphans(now: Date, limit: Int) throws -> [(rowID: Int64, workflow: String)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT rowid, workflow FROM instances WHERE \(InstanceRecord.live) AND status IN ('queued', 'running', 'waiting')
                AND rowid NOT IN (SELECT instance FROM timers WHERE wake_at > ?) ORDER BY rowid LIMIT ?
                """, arguments: [now.millis, limit]).map { (rowID: $0["rowid"], workflow: $0["workflow"]) }
        }
    }

    public func read<T>(_ work: (any StoreTransaction) throws -> T) throws -> T {
        try pool.read { db in try work(SQLiteTransaction(db: db)) }
    }

    /// When a readiness ping last committed (`nil` before the first).
    public func lastPing() throws -> Date? {
        try pool.read { db in try Int64.fetchOne(db, sql: "SELECT checked_at FROM health WHERE id = 1") }.date
    }

    public func pendingTimerCount() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM timers") ?? 0 }
    }

    public func maxRowID() throws -> Int64 {
        try pool.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(rowid) FROM instances") ?? 0 }
    }

    /// `EXPLAIN QUERY PLAN` for a query (literal values inline), for tests that check indexes are used.
    public func queryPlan(_ sql: String) throws -> String {
        try pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql)
                .map { $0["detail"] as String }.joined(separator: "\n")
        }
    }
}
