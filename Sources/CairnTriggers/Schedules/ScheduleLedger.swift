import CairnStore
import Foundation

/// The schedule ledger: one row per schedule (its high-water mark, the pause set through the
/// API, the buffered tick, the last tick) and one row per evaluated tick (fired, skipped,
/// missed, failed, buffered, with the reason), plus an audit trail of configuration changes.
/// A tick's row and its instance commit in one transaction.
enum ScheduleLedger {
    static let migrations = [
        StoreMigration(feature: "cron", number: 1, "ledger", sql: """
            CREATE TABLE cron_schedules (
                name TEXT PRIMARY KEY,
                cron TEXT NOT NULL,
                timezone TEXT NOT NULL,
                workflow TEXT NOT NULL,
                high_water INTEGER NOT NULL,
                paused INTEGER,
                buffered_tick INTEGER,
                last_tick INTEGER,
                last_outcome TEXT,
                last_instance TEXT,
                last_fired_instance TEXT,
                orphaned_at INTEGER,
                updated_at INTEGER NOT NULL
            ) STRICT;
            CREATE TABLE cron_ticks (
                schedule TEXT NOT NULL,
                tick INTEGER NOT NULL,
                outcome TEXT NOT NULL,
                reason TEXT,
                instance TEXT,
                fire_at INTEGER,
                recorded_at INTEGER NOT NULL,
                source TEXT NOT NULL,
                PRIMARY KEY (schedule, tick)
            ) STRICT, WITHOUT ROWID;
            CREATE TABLE cron_audit (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                schedule TEXT NOT NULL,
                at INTEGER NOT NULL,
                event TEXT NOT NULL,
                detail TEXT NOT NULL
            ) STRICT;
            CREATE INDEX cron_audit_by_schedule ON cron_audit (schedule, seq);
            """),
        // Overlap policies look at the newest fired tick's instance; a backfill of an older
        // tick must not take its place.
        StoreMigration(feature: "cron", number: 2, "last-fired-tick", sql: """
            ALTER TABLE cron_schedules ADD COLUMN last_fired_tick INTEGER;
            """),
        // The config's `paused` as last seen: editing it wins over an earlier API pause.
        StoreMigration(feature: "cron", number: 3, "config-paused", sql: """
            ALTER TABLE cron_schedules ADD COLUMN config_paused INTEGER;
            """),
    ]

    /// How many tick rows a schedule keeps; older ones are pruned every ``pruneEvery`` rows
    /// (and at start-up), not on every tick, which would cost a scan per commit.
    static let keptTicks = 1_000
    static let pruneEvery = 64

    /// A schedule's row.
    struct Row: Sendable {
        var name: String
        var cron: String
        var timezone: String
        var workflow: String
        var highWater: Date
        var paused: Bool?
        var bufferedTick: Date?
        var lastTick: Date?
        var lastOutcome: String?
        var lastInstance: String?
        /// The instance of the last tick that fired: what overlap policies look at.
        var lastFiredInstance: String?
        var orphanedAt: Date?
        /// The config's `paused` at the last start-up.
        var configPaused: Bool?

        init(_ row: SQLRow) {
            name = row["name"].text ?? ""
            cron = row["cron"].text ?? ""
            timezone = row["timezone"].text ?? ""
            workflow = row["workflow"].text ?? ""
            highWater = row.time("high_water") ?? Date(timeIntervalSince1970: 0)
            paused = row["paused"].integer.map { $0 != 0 }
            bufferedTick = row.time("buffered_tick")
            lastTick = row.time("last_tick")
            lastOutcome = row["last_outcome"].text
            lastInstance = row["last_instance"].text
            lastFiredInstance = row["last_fired_instance"].text
            orphanedAt = row.time("orphaned_at")
            configPaused = row["config_paused"].integer.map { $0 != 0 }
        }
    }

    static func rows(_ tx: any StoreTransaction) throws -> [Row] {
        try tx.rows("SELECT * FROM cron_schedules ORDER BY name").map(Row.init)
    }

    static func row(_ name: String, _ tx: any StoreTransaction) throws -> Row? {
        try tx.row("SELECT * FROM cron_schedules WHERE name = ?", [.text(name)]).map(Row.init)
    }

    static func audit(_ name: String, _ event: String, _ detail: String, at time: Date, _ tx: any StoreTransaction) throws {
        try tx.execute("INSERT INTO cron_audit (schedule, at, event, detail) VALUES (?, ?, ?, ?)",
                       [.text(name), .time(time), .text(event), .text(detail)])
    }

    /// Records one evaluated tick and moves the schedule's mark to it (never backwards).
    /// A tick already recorded as fired stays fired; any other outcome may be replaced (a
    /// backfill firing a tick that was missed).
    static func record(_ tick: TickRecord, schedule: String, _ tx: any StoreTransaction, advance: Bool = true) throws {
        let changed = try tx.execute("""
            INSERT INTO cron_ticks (schedule, tick, outcome, reason, instance, fire_at, recorded_at, source)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (schedule, tick) DO UPDATE SET
                outcome = excluded.outcome, reason = excluded.reason, instance = excluded.instance,
                fire_at = excluded.fire_at, recorded_at = excluded.recorded_at, source = excluded.source
            WHERE cron_ticks.outcome != 'fired'
            """, [.text(schedule), .time(tick.tick), .text(tick.outcome.rawValue), .text(tick.reason), .text(tick.instance),
                  .time(tick.fireAt), .time(tick.recordedAt), .text(tick.source)])
        // A tick already fired stays fired, and the schedule's row keeps saying so.
        guard changed > 0 else { return }
        if tick.outcome == .buffered {
            try tx.execute("UPDATE cron_schedules SET buffered_tick = ? WHERE name = ?", [.time(tick.tick), .text(schedule)])
        }
        guard advance else { return }
        let fired = tick.outcome == .fired ? tick.instance : nil
        try tx.execute("""
            UPDATE cron_schedules SET
                high_water = MAX(high_water, ?1),
                last_tick = CASE WHEN last_tick IS NULL OR last_tick <= ?1 THEN ?1 ELSE last_tick END,
                last_outcome = CASE WHEN last_tick IS NULL OR last_tick <= ?1 THEN ?2 ELSE last_outcome END,
                last_instance = CASE WHEN last_tick IS NULL OR last_tick <= ?1 THEN ?3 ELSE last_instance END,
                last_fired_instance = CASE WHEN ?4 IS NOT NULL AND (last_fired_tick IS NULL OR last_fired_tick <= ?1) THEN ?4 ELSE last_fired_instance END,
                last_fired_tick = CASE WHEN ?4 IS NOT NULL AND (last_fired_tick IS NULL OR last_fired_tick <= ?1) THEN ?1 ELSE last_fired_tick END,
                updated_at = ?5
            WHERE name = ?6
            """, [.time(tick.tick), .text(tick.outcome.rawValue), .text(tick.instance), .text(fired), .time(tick.recordedAt), .text(schedule)])
    }

    /// Deletes a schedule's tick rows beyond the newest ``keptTicks``.
    static func prune(_ schedule: String, _ tx: any StoreTransaction) throws {
        try tx.execute("""
            DELETE FROM cron_ticks WHERE schedule = ?1 AND tick < (
                SELECT tick FROM cron_ticks WHERE schedule = ?1 ORDER BY tick DESC LIMIT 1 OFFSET ?2)
            """, [.text(schedule), .integer(Int64(keptTicks))])
    }

    static func ticks(_ name: String, limit: Int, _ tx: any StoreTransaction) throws -> [TickRecord] {
        try tx.rows("SELECT * FROM cron_ticks WHERE schedule = ? ORDER BY tick DESC LIMIT ?", [.text(name), .integer(Int64(limit))])
            .map(TickRecord.init)
    }

    static func auditTrail(_ name: String, limit: Int, _ tx: any StoreTransaction) throws -> [AuditEntry] {
        try tx.rows("SELECT * FROM cron_audit WHERE schedule = ? ORDER BY seq DESC LIMIT ?", [.text(name), .integer(Int64(limit))])
            .map { AuditEntry(at: $0.time("at") ?? Date(timeIntervalSince1970: 0), event: $0["event"].text ?? "", detail: $0["detail"].text ?? "") }
    }
}
