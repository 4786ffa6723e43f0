import Cairn
import Foundation
internal import GRDB

/// The write side: each command runs on the writer thread inside the group transaction.
extension SQLiteStore {
    static func apply(_ command: StoreCommand, _ db: Database) throws -> StoreResult {
        switch command {
        case .batch(let batch):
            return try applyBatch(batch, db)
        case .insertSkippingExisting(let records):
            var inserted: [Int64] = []
            for record in records where try insert(record, db, skipExisting: true) {
                inserted.append(record.rowID)
            }
            return .inserted(inserted)
        case .sendEvent(let delivery):
            return .event(try deliver(delivery, db))
        case .control(let request):
            return .control(try control(request, db))
        case .recover(let now):
            return .recovered(try recover(now: now, db))
        case .fireTimers(let timers):
            for timer in timers {
                try db.cachedStatement(sql: "DELETE FROM timers WHERE instance = ? AND wake_at = ?")
                    .execute(arguments: [timer.instance, timer.wakeAt.millis])
            }
            return .done
        case .purge(let cutoff, let limit):
            // Steps carry no foreign key (it cost a parent lookup on every step write); the
            // purge deletes them with their instance, in the same transaction.
            let doomed = try Int64.fetchAll(
                db.cachedStatement(sql: "SELECT rowid FROM instances WHERE ended_at < ? ORDER BY ended_at LIMIT ?"),
                arguments: [cutoff.millis, limit])
            for instance in doomed {
                try db.cachedStatement(sql: "DELETE FROM steps WHERE instance = ?").execute(arguments: [instance])
                try db.cachedStatement(sql: "DELETE FROM instances WHERE rowid = ?").execute(arguments: [instance])
            }
            return .purged(doomed.count)
        case .ping(let at):
            try db.cachedStatement(sql: "INSERT INTO health (id, checked_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at")
                .execute(arguments: [at.millis])
            return .done
        case .start(let start):
            return .started(try apply(start, db))
        case .startMany(let starts):
            return .startedMany(try starts.map { try apply($0, db) })
        case .custom(let work):
            return .custom(try work(SQLiteTransaction(db: db)))
        }
    }

    /// Inserts the instance unless its ID exists, then runs the caller's write.
    private static func apply(_ start: InstanceStart, _ db: Database) throws -> StartOutcome {
        let outcome: StartOutcome
        if try insert(start.record, db, skipExisting: true) {
            outcome = .created(start.record)
        } else {
            guard let existing = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(InstanceRecord.columns) FROM instances WHERE workflow = ? AND id = ?"),
                arguments: [start.record.workflow, start.record.id]).map(InstanceRecord.init(row:)) else {
                throw StoreError(.io, "Instance '\(start.record.id)' was neither inserted nor found; the database may be damaged.")
            }
            outcome = .existing(existing)
        }
        try start.alongside?(outcome, SQLiteTransaction(db: db))
        return outcome
    }

    private static func applyBatch(_ batch: StoreBatch, _ db: Database) throws -> StoreResult {
        let instance = batch.instance
        if let epoch = batch.epoch {
            let select = try RawStatement(db, "SELECT epoch FROM instances WHERE rowid = ?")
            try select.bind(1, instance)
            let current = try select.run()
            guard current == epoch else {
                throw StoreError(.superseded, "Instance \(instance) was terminated, restarted or purged; this lifetime's writes are discarded.")
            }
        }
        var events: [StepKey: ReceivedEvent] = [:]
        for op in batch.ops {
            switch op {
            case .insertInstance(let record):
                _ = try insert(record, db, skipExisting: false)
            case .alongside(let work):
                try work(SQLiteTransaction(db: db))
            case .runState(let status, let reason, let wakeAt, let at):
                try db.cachedStatement(sql: """
                    UPDATE instances SET status = ?, waiting_for = ?, wake_at = ?, updated_at = ?, started_at = COALESCE(started_at, ?)
                    WHERE rowid = ? AND status <> 'waitingForPause' AND status <> 'paused' AND \(InstanceRecord.live)
                    """).execute(arguments: [status.rawValue, reason?.rawValue, wakeAt.millis, at.millis, at.millis, instance])
            case .paused(let at):
                try db.cachedStatement(sql: """
                    UPDATE instances SET status = 'paused', paused_at = ?, updated_at = ?, waiting_for = NULL, wake_at = NULL
                    WHERE rowid = ? AND \(InstanceRecord.live)
                    """).execute(arguments: [at.millis, at.millis, instance])
                try clearTimer(instance, db)
            case .finish(let status, let output, let error, let at):
                try db.cachedStatement(sql: """
                    UPDATE instances SET status = ?, output = ?, error_name = ?, error_message = ?, ended_at = ?, updated_at = ?,
                    started_at = COALESCE(started_at, ?), waiting_for = NULL, wake_at = NULL, paused_at = NULL WHERE rowid = ?
                    """).execute(arguments: [status.rawValue, output, error?.name, error?.message, at.millis, at.millis, at.millis, instance])
                try clearTimer(instance, db)
            case .putStep(let step):
                try putStep(step, db)
            case .beginWait(var step):
                let buffered = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT seq, payload, sent_at FROM events WHERE instance = ? AND type = ? ORDER BY seq LIMIT 1"),
                    arguments: [instance, step.eventType])
                if let buffered {
                    let event = ReceivedEvent(type: step.eventType ?? "", payload: buffered["payload"], timestamp: Date(millis: buffered["sent_at"]))
                    try db.cachedStatement(sql: "DELETE FROM events WHERE seq = ?").execute(arguments: [buffered["seq"] as Int64])
                    step.status = .received
                    step.output = EventCoding.encode(event)
                    step.endedAt = step.startedAt
                    step.wakeAt = nil
                    events[step.key] = event
                }
                try putStep(step, db)
            case .timeoutWait(let step):
                let current = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT status, output FROM steps WHERE instance = ? AND kind = ? AND name = ? AND count = ?"),
                    arguments: [instance, step.key.kind.rawValue, step.key.name, step.key.count])
                if let current, current["status"] == StepStatus.received.rawValue,
                   let output: Data = current["output"], let event = EventCoding.decode(output) {
                    events[step.key] = event
                } else {
                    try putStep(step, db)
                }
            case .setTimer(let wakeAt):
                try db.cachedStatement(sql: "INSERT OR REPLACE INTO timers (instance, wake_at) VALUES (?, ?)")
                    .execute(arguments: [instance, wakeAt.millis])
            case .clearTimer:
                try clearTimer(instance, db)
            }
        }
        return events.isEmpty ? .done : .events(events)
    }

    /// An upsert rather than INSERT OR REPLACE: a step's second write (its result) updates the
    /// row in place instead of deleting and reinserting it.
    private static let putStepSQL = """
        INSERT INTO steps (\(StepRecord.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (instance, kind, name, count) DO UPDATE SET seq = excluded.seq, status = excluded.status, attempts = excluded.attempts,
        config = excluded.config, output = excluded.output, error_name = excluded.error_name, error_message = excluded.error_message,
        started_at = excluded.started_at, ended_at = excluded.ended_at, wake_at = excluded.wake_at, event_type = excluded.event_type,
        attempt_log = excluded.attempt_log
        """

    private static func putStep(_ step: StepRecord, _ db: Database) throws {
        let put = try RawStatement(db, putStepSQL)
        try put.bind(1, step.instance)
        try put.bind(2, step.key.kind.rawValue)
        try put.bind(3, step.key.name)
        try put.bind(4, step.key.count)
        try put.bind(5, step.seq)
        try put.bind(6, step.status.rawValue)
        try put.bind(7, step.attempts)
        try put.bind(8, step.config.flatMap(ConfigCoding.encode))
        try put.bind(9, step.output)
        try put.bind(10, step.error?.name)
        try put.bind(11, step.error?.message)
        try put.bind(12, step.startedAt.millis)
        try put.bind(13, step.endedAt.millis)
        try put.bind(14, step.wakeAt.millis)
        try put.bind(15, step.eventType)
        try put.bind(16, AttemptLogCoding.encode(step))
        try put.run()
    }

    private static func clearTimer(_ instance: Int64, _ db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM timers WHERE instance = ?").execute(arguments: [instance])
    }

    /// Inserts an instance; returns false if the ID exists and `skipExisting` is set.
    private static func insert(_ record: InstanceRecord, _ db: Database, skipExisting: Bool) throws -> Bool {
        let sql = """
            INSERT INTO instances (\(InstanceRecord.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            \(skipExisting ? "ON CONFLICT (workflow, id) DO NOTHING" : "")
            """
        do {
            try db.cachedStatement(sql: sql).execute(arguments: [
                record.rowID, record.workflow, record.id, record.status.rawValue, record.epoch, record.params, record.output,
                record.error?.name, record.error?.message, record.trigger, record.createdAt.millis, record.startedAt.millis,
                record.endedAt.millis, record.updatedAt.millis, record.pausedAt.millis, record.waitingFor?.rawValue, record.wakeAt.millis,
                record.eventTime.millis,
            ])
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StoreError(.duplicateInstanceID, "Workflow '\(record.workflow)' already has an instance '\(record.id)'. Choose another ID, or restart that instance: cairn instances restart \(record.workflow) \(record.id)")
        }
        return db.changesCount > 0
    }

    private static func deliver(_ delivery: EventDelivery, _ db: Database) throws -> EventOutcome {
        guard let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT rowid, status FROM instances WHERE workflow = ? AND id = ?"),
            arguments: [delivery.workflow, delivery.instanceID])
        else {
            throw StoreError(.instanceNotFound, "No instance '\(delivery.instanceID)' of workflow '\(delivery.workflow)'. List instances with: cairn instances list \(delivery.workflow)")
        }
        let instance: Int64 = row["rowid"]
        let status = InstanceStatus(rawValue: row["status"]) ?? .unknown
        guard !status.isFinished else {
            throw StoreError(.instanceFinished, "Instance '\(delivery.instanceID)' of workflow '\(delivery.workflow)' is \(status.rawValue); events can only be sent to unfinished instances.")
        }
        let event = ReceivedEvent(type: delivery.type, payload: delivery.payload, timestamp: delivery.at)
        if let waiter = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT name, count, wake_at FROM steps WHERE instance = ? AND event_type = ? AND status = 'waiting' ORDER BY seq LIMIT 1"),
            arguments: [instance, delivery.type]) {
            let key = StepKey(kind: .waitForEvent, name: waiter["name"], count: waiter["count"])
            if let timeout: Int64 = waiter["wake_at"] {
                // The wait's timeout timer is moot now: without it, a restart resumes the
                // instance at once instead of at the timeout (recovery skips instances whose
                // timer lies ahead).
                try db.cachedStatement(sql: "DELETE FROM timers WHERE instance = ? AND wake_at = ?").execute(arguments: [instance, timeout])
            }
            try db.cachedStatement(sql: """
                UPDATE steps SET status = 'received', output = ?, ended_at = ?, wake_at = NULL
                WHERE instance = ? AND kind = 'waitForEvent' AND name = ? AND count = ?
                """).execute(arguments: [EventCoding.encode(event), delivery.at.millis, instance, key.name, key.count])
            let outcome = EventOutcome(instance: instance, deliveredTo: key, event: event, instanceStatus: status)
            try delivery.alongside?(outcome, SQLiteTransaction(db: db))
            return outcome
        }
        let buffered = try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM events WHERE instance = ?"), arguments: [instance]) ?? 0
        guard buffered < delivery.maxBuffered else {
            throw StoreError(.tooManyEvents, "Instance '\(delivery.instanceID)' of workflow '\(delivery.workflow)' already holds \(buffered) events that no waitForEvent has taken (the limit is \(delivery.maxBuffered), engine.max_buffered_events). Check that the workflow waits for '\(delivery.type)' events, or raise the limit.")
        }
        try db.cachedStatement(sql: "INSERT INTO events (instance, type, payload, sent_at) VALUES (?, ?, ?, ?)")
            .execute(arguments: [instance, delivery.type, delivery.payload, delivery.at.millis])
        let outcome = EventOutcome(instance: instance, deliveredTo: nil, event: event, instanceStatus: status)
        try delivery.alongside?(outcome, SQLiteTransaction(db: db))
        return outcome
    }

    private static func recover(now: Date, _ db: Database) throws -> RecoveryPlan {
        try db.execute(
            sql: "UPDATE instances SET status = 'paused', paused_at = COALESCE(paused_at, ?), updated_at = ? WHERE \(InstanceRecord.live) AND status = 'waitingForPause'",
            arguments: [now.millis, now.millis])
        let settled = db.changesCount
        let runnable = try Int64.fetchAll(db, sql: """
            SELECT rowid FROM instances WHERE \(InstanceRecord.live) AND status IN ('queued', 'running', 'waiting')
            AND rowid NOT IN (SELECT instance FROM timers WHERE wake_at > ?) ORDER BY rowid
            """, arguments: [now.millis])
        return RecoveryPlan(runnable: runnable, settledPauses: settled)
    }
}
