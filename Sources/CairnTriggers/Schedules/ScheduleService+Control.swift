import Cairn
import CairnEngine
import CairnStore
import Foundation

extension ScheduleService {
    /// Every schedule in the ledger (configured and orphaned), by name.
    public func list() throws -> [ScheduleStatus] {
        let rows = try readLedger { tx in try ScheduleLedger.rows(tx) }
        return rows.map(status)
    }

    /// One schedule with its last `ticks` ticks (newest first, default 50) and last 20
    /// configuration changes.
    public func describe(_ name: String, ticks tickLimit: Int = 50) throws -> ScheduleDetail {
        let (row, ticks, audit) = try readLedger { tx in
            (try ScheduleLedger.row(name, tx), try ScheduleLedger.ticks(name, limit: tickLimit, tx), try ScheduleLedger.auditTrail(name, limit: 20, tx))
        }
        guard let row else { throw notFound(name) }
        return ScheduleDetail(status: status(row), ticks: ticks, audit: audit)
    }

    /// Pauses or resumes a schedule; the choice is stored in the ledger and outlives restarts
    /// (it wins over `paused` in the config). Ticks due while paused are recorded as skipped.
    public func setPaused(_ name: String, _ paused: Bool) async throws -> ScheduleStatus {
        guard runtime(name) != nil else { throw try missing(name) }
        let now = clock.now()
        try await locks.run(name) {
            try await writeLedger { tx in
                try tx.execute("UPDATE cron_schedules SET paused = ?, updated_at = ? WHERE name = ?", [.integer(paused ? 1 : 0), .time(now), .text(name)])
                try ScheduleLedger.audit(name, paused ? "paused" : "resumed", "through the API", at: now, tx)
            }
            update(name) { $0.pausedOverride = paused }
        }
        doorbell.ring()
        return try describe(name).status
    }

    /// Starts the schedule's workflow now, outside the tick ledger, with its own ID
    /// (`cron-<name>-now-<UTC seconds>-<random>`); the payload's `scheduledTime` is now.
    public func trigger(_ name: String) async throws -> (workflow: String, instance: String) {
        guard let definition = runtime(name)?.definition else { throw try missing(name) }
        let now = clock.now()
        let seconds = Int64(saturating: now.timeIntervalSince1970.rounded(.down))
        let stamp = ScheduleDefinition.tickStamp(now).dropLast() + String(format: "%02dZ", Int(seconds % 60))
        let params = definition.payload(forTick: now).jsonData()
        // 32 random bits after the second: a collision is astronomically rare, and if one
        // happens the start reports an existing instance and another ID is drawn.
        for _ in 0..<5 {
            let id = "cron-\(name)-now-\(stamp)-\(String(format: "%08x", UInt32.random(in: 0...UInt32.max)))"
            let outcome = try await engine.start(definition.workflow, id: id, paramsJSON: params, trigger: "cron", eventTime: now) { outcome, tx in
                guard outcome.wasCreated else { return }
                try ScheduleLedger.audit(name, "triggered", "run now: instance \(id)", at: now, tx)
            }
            if outcome.wasCreated { return (definition.workflow, id) }
        }
        throw TriggerError(.storage, "Could not find a free instance ID for a run of '\(name)'. Try again.")
    }

    /// The most ticks one backfill may cover.
    public static let maxBackfillTicks = 10_000

    /// Creates the ticks of a past window `[from, to]` on purpose, oldest first, with the same
    /// instance IDs as the real ticks: a tick whose instance exists creates nothing. With
    /// `dryRun`, only reports what it would create. Pause and overlap do not apply.
    public func backfill(_ name: String, from: Date, to: Date, dryRun: Bool) async throws -> [BackfillTick] {
        guard let definition = runtime(name)?.definition else { throw try missing(name) }
        let now = clock.now()
        guard from <= to else {
            throw TriggerError(.invalidInput, "The backfill window starts (\(Self.iso(from))) after it ends (\(Self.iso(to))). Swap --from and --to.")
        }
        guard to <= now else {
            throw TriggerError(.invalidInput, "The backfill window ends in the future (\(Self.iso(to))); ticks after now (\(Self.iso(now))) belong to the schedule. End the window at or before now.")
        }
        var ticks: [Date] = []
        var cursor = from.addingTimeInterval(-0.001)
        while let tick = definition.cron.next(after: cursor, in: definition.timeZone), tick <= to {
            ticks.append(tick)
            guard ticks.count <= Self.maxBackfillTicks else {
                throw TriggerError(.invalidInput, "The window \(Self.iso(from)) – \(Self.iso(to)) holds more than \(Self.maxBackfillTicks) ticks of '\(definition.cron.source)'. Backfill it in smaller windows.")
            }
            cursor = tick
        }
        var results: [BackfillTick] = []
        for tick in ticks {
            let id = definition.instanceID(forTick: tick)
            // A tick the ledger shows fired ran once, even if retention has since deleted its
            // instance: a backfill must not run it again.
            let firedBefore = try readLedger { tx in
                try tx.row("SELECT outcome FROM cron_ticks WHERE schedule = ? AND tick = ?", [.text(name), .time(tick)])?["outcome"].text == "fired"
            }
            if firedBefore {
                results.append(BackfillTick(tick: tick, instance: id, created: false))
                continue
            }
            if dryRun {
                let exists = (try? engine.instance(definition.workflow, id: id)) != nil
                results.append(BackfillTick(tick: tick, instance: id, created: !exists))
                continue
            }
            let result = try await fire(definition, tick: tick, fireAt: tick, alongside: [], source: "backfill")
            results.append(BackfillTick(tick: tick, instance: id, created: result == .created))
        }
        let created = results.filter(\.created).count
        let total = results.count
        if !dryRun, created > 0 {
            try await writeLedger { tx in
                try ScheduleLedger.audit(name, "backfilled", "\(Self.iso(from)) – \(Self.iso(to)): \(total) ticks, \(created) created", at: now, tx)
            }
        }
        return results
    }

    // MARK: Helpers

    private func status(_ row: ScheduleLedger.Row) -> ScheduleStatus {
        let runtime = self.runtime(row.name)
        let definition = runtime?.definition
        let next = runtime.flatMap { runtime in
            runtime.deferred.first.map { ($0.planned.tick, $0.notBefore ?? $0.planned.fireAt) } ?? runtime.planner.nextTick(after: runtime.highWater)
        }
        let paused = runtime?.paused ?? (row.paused ?? false)
        return ScheduleStatus(
            name: row.name, cron: row.cron, timeZone: row.timezone, workflow: row.workflow, paused: paused,
            pausedBy: paused ? (row.paused != nil ? "api" : "config") : nil, orphaned: row.orphanedAt != nil,
            nextTick: paused ? nil : next?.tick, nextFireAt: paused ? nil : next?.fireAt, highWater: runtime?.highWater ?? row.highWater,
            lastTick: row.lastTick, lastOutcome: row.lastOutcome, lastInstance: row.lastInstance, bufferedTick: row.bufferedTick,
            catchUp: definition?.catchUp.name ?? "", overlap: definition?.overlap.rawValue ?? "",
            jitterSeconds: definition?.jitter.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 })
    }

    private func readLedger<T>(_ work: (any StoreTransaction) throws -> T) throws -> T {
        do {
            return try store.read(work)
        } catch {
            throw TriggerError(.storage, "Cannot read the schedule ledger (\(error)). Check that the database file is readable; /readyz reports the store's state.", cause: error)
        }
    }

    private func writeLedger(_ work: @escaping @Sendable (any StoreTransaction) throws -> Void) async throws {
        do {
            try await store.transaction(work)
        } catch {
            throw TriggerError(.storage, "Cannot write the schedule ledger (\(error)). Check free disk space and that the database is writable, then retry; /readyz reports the store's state.", cause: error)
        }
    }

    private func notFound(_ name: String) -> TriggerError {
        let known = state.withLock { $0.keys.sorted() }
        return TriggerError(.scheduleNotFound, "No schedule named '\(name)'. Configured schedules: \(known.isEmpty ? "none" : known.joined(separator: ", ")). List them with: cairn schedules list")
    }

    /// The error for a schedule that is not running: unknown, or orphaned (in the ledger only).
    private func missing(_ name: String) throws -> TriggerError {
        guard isReady else {
            return TriggerError(.starting, "The schedules are still starting (reconciling the ledger with the config). Try again in a moment.")
        }
        let row = try readLedger { tx in try ScheduleLedger.row(name, tx) }
        if row != nil {
            return TriggerError(.scheduleOrphaned, "Schedule '\(name)' is no longer in the config (orphaned): its ledger is kept but it does not run. Add it back to the config to use it.")
        }
        return notFound(name)
    }
}
