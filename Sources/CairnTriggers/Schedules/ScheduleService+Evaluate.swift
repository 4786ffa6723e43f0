import Cairn
import CairnEngine
import CairnStore
import Foundation

extension ScheduleService {
    /// How long to wait before retrying a schedule whose ledger could not be written.
    static let storageRetry: TimeInterval = 5

    /// Evaluates every tick of `name` due at `now`, in order: records skipped and missed ones,
    /// fires the others (each instance committed with its ledger rows), applies the overlap
    /// policy, and moves the high-water mark. Holds the schedule's lock throughout.
    func evaluate(_ name: String, now: Date) async {
        await locks.run(name) { await evaluateLocked(name, now: now) }
    }

    private func evaluateLocked(_ name: String, now: Date) async {
        guard let runtime = runtime(name) else { return }
        let steps = runtime.deferred.isEmpty ? runtime.planner.steps(after: runtime.highWater, now: now, paused: runtime.paused, runningSince: runningSince) : runtime.deferred
        let definition = runtime.definition
        var pending: [TickRecord] = []
        var lastFired = runtime.lastFiredInstance
        var bufferedTick = runtime.bufferedTick
        var newlyBuffered: BufferedTicks.Waiting?
        let prune = runtime.unpruned + steps.count >= ScheduleLedger.pruneEvery
        var pruned = false
        var processed = 0
        func record(_ tick: TickPlanner.Planned, _ outcome: TickRecord.Outcome, _ reason: String?, instance: String? = nil) {
            var record = TickRecord(tick: tick.tick, outcome: outcome, reason: reason, instance: instance, fireAt: tick.fireAt, recordedAt: clock.now())
            record.represents = tick.represents
            pending.append(record)
        }
        do {
            for step in steps {
                if let notBefore = step.notBefore, notBefore > now { break }
                processed += 1
                let tick = step.planned
                switch tick.action {
                case .skip(let reason):
                    record(tick, .skipped, reason.text)
                case .miss(let reason):
                    record(tick, .missed, reason.text)
                case .fire where runtime.paused:
                    // A deferred catch-up tick whose schedule was paused meanwhile.
                    record(tick, .skipped, TickReason("paused", "the schedule is paused").text)
                case .fire:
                    if definition.overlap == .bufferOne, let waiting = bufferedTick {
                        record(tick, .skipped, TickReason("overlap_buffer_full", "the tick of \(Self.iso(waiting)) already waits for the previous instance").text)
                        continue
                    }
                    if definition.overlap != .allow, let previous = lastFired, try isUnfinished(definition.workflow, previous) {
                        if definition.overlap == .skip {
                            record(tick, .skipped, TickReason("overlap", "instance \(previous) was still running").text)
                        } else {
                            record(tick, .buffered, "waiting for instance \(previous) to finish", instance: definition.instanceID(forTick: tick.tick))
                            bufferedTick = tick.tick
                            newlyBuffered = .init(schedule: name, previous: previous, tick: tick.tick, fireAt: tick.fireAt)
                        }
                        continue
                    }
                    let pruneNow = prune && !pruned
                    pruned = pruned || prune
                    let alongside = pending
                    if try await fire(definition, tick: tick.tick, fireAt: tick.fireAt, alongside: alongside, source: "schedule", extra: { tx in
                        if pruneNow { try ScheduleLedger.prune(name, tx) }
                    }).fired {
                        lastFired = definition.instanceID(forTick: tick.tick)
                    }
                    count(alongside)
                    pending = []
                }
            }
            if !pending.isEmpty {
                let records = pending
                let pruneNow = prune && !pruned
                pruned = pruned || prune
                try await store.transaction { tx in
                    for record in records { try ScheduleLedger.record(record, schedule: name, tx) }
                    if pruneNow { try ScheduleLedger.prune(name, tx) }
                }
                count(pending)
            }
        } catch {
            // The ledger could not be written: nothing after the last commit counts as
            // evaluated, so retrying later neither loses nor doubles a tick.
            logger.error("cannot record schedule ticks; retrying", metadata: ["schedule": "\(name)", "error": "\(error)"])
            let retry = clock.now().addingTimeInterval(Self.storageRetry)
            let committed = (try? store.read { tx in try ScheduleLedger.row(name, tx) }) ?? nil
            update(name) { runtime in
                if let committed {
                    runtime.highWater = committed.highWater
                    runtime.lastFiredInstance = committed.lastFiredInstance
                    runtime.bufferedTick = committed.bufferedTick
                }
                runtime.deferred = []
                runtime.wakeAt = retry
            }
            return
        }
        let remaining = Array(steps.dropFirst(processed))
        update(name) { runtime in
            if processed > 0 { runtime.highWater = max(runtime.highWater, steps[processed - 1].planned.tick) }
            runtime.lastFiredInstance = lastFired
            runtime.bufferedTick = bufferedTick
            runtime.unpruned = pruned ? 0 : runtime.unpruned + processed
            runtime.deferred = remaining
            runtime.refreshWake()
        }
        if let newlyBuffered { buffered.add(newlyBuffered) }
    }

    /// What a ``fire(_:tick:fireAt:alongside:source:extra:)`` did.
    enum FireResult: Equatable {
        /// The instance was created now.
        case created
        /// The schedule's instance for this tick existed already (a repeat, a backfill).
        case existing
        /// Not fired: recorded as failed (a refused create, an ID taken by another instance).
        case failed

        var fired: Bool { self != .failed }
    }

    /// Creates the tick's instance with its ledger rows (and `alongside`, the skipped and
    /// missed ticks before it) in one transaction. A refused create (unknown workflow,
    /// params the workflow rejects) is recorded as `failed`. Throws only when the store
    /// cannot commit.
    @discardableResult
    func fire(_ definition: ScheduleDefinition, tick: Date, fireAt: Date?, alongside: [TickRecord], source: String,
              extra: (@Sendable (any StoreTransaction) throws -> Void)? = nil) async throws -> FireResult {
        let name = definition.name
        let id = definition.instanceID(forTick: tick)
        let clock = self.clock
        do {
            let params = definition.payload(forTick: tick).jsonData()
            let outcome = try await engine.start(definition.workflow, id: id, paramsJSON: params, trigger: "cron", eventTime: tick) { outcome, tx in
                for record in alongside { try ScheduleLedger.record(record, schedule: name, tx) }
                try ScheduleLedger.record(Self.tickRecord(for: outcome, tick: tick, fireAt: fireAt, at: clock.now(), source: source), schedule: name, tx)
                try extra?(tx)
            }
            if !outcome.wasCreated, outcome.record.trigger != "cron" {
                logger.error("a tick's instance ID is taken by an instance the schedule did not create", metadata: ["schedule": "\(name)", "instance": "\(id)", "trigger": "\(outcome.record.trigger)"])
                metrics.failed.increment()
                return .failed
            }
            guard outcome.wasCreated else { return .existing }
            if source == "backfill" {
                // On purpose and in the past: not a late tick, so not in the lateness gauge.
                metrics.backfilled.increment()
                logger.info("schedule backfilled", metadata: ["schedule": "\(name)", "instance": "\(id)"])
                return .created
            }
            let committed = clock.now()
            onFired?(FiredTick(schedule: name, instance: id, dueAt: fireAt ?? tick, committedAt: committed))
            metrics.fired.increment()
            let lateness = committed.timeIntervalSince(fireAt ?? tick)
            metrics.lateness.record(lateness)
            logger.info("schedule fired", metadata: ["schedule": "\(name)", "instance": "\(id)", "lateness_ms": "\(Int(lateness * 1000))"])
            return .created
        } catch let error as EngineError where error.code == .storage || error.code == .stopped {
            throw error
        } catch {
            let message = (error as? EngineError)?.message ?? "\(error)"
            logger.error("schedule tick could not create its instance", metadata: ["schedule": "\(name)", "instance": "\(id)", "error": "\(message)"])
            let failed = TickRecord(tick: tick, outcome: .failed, reason: message, instance: id, fireAt: fireAt, recordedAt: clock.now(), source: source)
            try await store.transaction { tx in
                for record in alongside { try ScheduleLedger.record(record, schedule: name, tx) }
                try ScheduleLedger.record(failed, schedule: name, tx)
                try extra?(tx)
            }
            metrics.failed.increment()
            return .failed
        }
    }

    /// The ledger row for a start's outcome: fired, unless the ID was taken by an instance
    /// this schedule did not create (an old database, or one written by hand).
    static func tickRecord(for outcome: StartOutcome, tick: Date, fireAt: Date?, at time: Date, source: String) -> TickRecord {
        let id = outcome.record.id
        if !outcome.wasCreated, outcome.record.trigger != "cron" {
            return TickRecord(tick: tick, outcome: .failed,
                              reason: "instance \(id) already exists and was not created by this schedule (trigger: \(outcome.record.trigger)); the tick did not run",
                              instance: id, fireAt: fireAt, recordedAt: time, source: source)
        }
        return TickRecord(tick: tick, outcome: .fired, instance: id, fireAt: fireAt, recordedAt: time, source: source)
    }

    /// Fires a buffered tick once the instance before it has finished (or records it skipped
    /// if the schedule was paused meanwhile). Retries on storage errors until shutdown.
    func fireWhenPreviousFinishes(_ waiting: BufferedTicks.Waiting) async {
        guard let definition = runtime(waiting.schedule)?.definition else { return }
        let name = waiting.schedule
        while !Task.isCancelled {
            do {
                _ = try await engine.waitUntilFinished(definition.workflow, id: waiting.previous, timeout: .seconds(10 * 365 * 86_400))
            } catch let error as EngineError where error.code == .instanceNotFound {
                // Purged or never stored: nothing runs, so the buffered tick may start.
            } catch {
                if Task.isCancelled { return }     // shutting down: the tick stays buffered in the ledger
                logger.error("cannot watch the instance a buffered tick waits for; retrying", metadata: ["schedule": "\(name)", "error": "\(error)"])
                try? await clock.sleep(until: clock.now().addingTimeInterval(Self.storageRetry))
                continue
            }
            let done = await locks.run(name) { await releaseBuffered(waiting, definition) }
            if done { return }
            try? await clock.sleep(until: clock.now().addingTimeInterval(Self.storageRetry))
        }
    }

    /// Starts (or, when paused, skips) the buffered tick; returns false to retry later.
    private func releaseBuffered(_ waiting: BufferedTicks.Waiting, _ definition: ScheduleDefinition) async -> Bool {
        let name = waiting.schedule
        guard let runtime = runtime(name), runtime.bufferedTick == waiting.tick else { return true }
        let clear: @Sendable (any StoreTransaction) throws -> Void = { tx in
            try tx.execute("UPDATE cron_schedules SET buffered_tick = NULL WHERE name = ? AND buffered_tick = ?", [.text(name), .time(waiting.tick)])
        }
        do {
            if runtime.paused {
                let skipped = TickRecord(tick: waiting.tick, outcome: .skipped, reason: TickReason("paused", "the schedule was paused while this tick waited").text,
                                         instance: definition.instanceID(forTick: waiting.tick), fireAt: waiting.fireAt, recordedAt: clock.now())
                try await store.transaction { tx in
                    try ScheduleLedger.record(skipped, schedule: name, tx, advance: false)
                    try clear(tx)
                }
                update(name) { $0.bufferedTick = nil }
                return true
            }
            let fired = try await fire(definition, tick: waiting.tick, fireAt: waiting.fireAt, alongside: [], source: "schedule", extra: clear)
            update(name) { runtime in
                runtime.bufferedTick = nil
                if fired.fired { runtime.lastFiredInstance = definition.instanceID(forTick: waiting.tick) }
            }
            return true
        } catch {
            logger.error("cannot start a buffered tick; retrying", metadata: ["schedule": "\(name)", "error": "\(error)"])
            return false
        }
    }

    func isUnfinished(_ workflow: String, _ id: String) throws -> Bool {
        do {
            return !(try engine.instance(workflow, id: id).status.isFinished)
        } catch let error as EngineError where error.code == .instanceNotFound || error.code == .workflowNotFound {
            return false
        }
    }

    func count(_ records: [TickRecord]) {
        for record in records {
            let code = record.reason.map { String($0.prefix { $0 != ":" }) } ?? "unknown"
            switch record.outcome {
            case .skipped: metrics.skipped(code, count: record.represents)
            case .missed: metrics.missed(code, count: record.represents)
            case .buffered: metrics.buffered.increment()
            case .fired: metrics.fired.increment()
            case .failed: metrics.failed.increment()
            }
        }
    }

    static func iso(_ date: Date) -> String { date.formatted(.iso8601) }
}
