import Cairn
import CairnEngine
import CairnStore
import Foundation

extension ScheduleService {
    /// How long to wait before retrying a schedule whose ledger could not be written.
    static let storageRetry: TimeInterval = 5

    /// Evaluates every tick of `name` due at `now`, in order: records skipped and missed ones,
    /// fires the others (each instance committed with its ledger rows), applies the overlap
    /// policy, and moves the high-water mark.
    func evaluate(_ name: String, now: Date) async {
        guard let runtime = runtime(name) else { return }
        let planned = runtime.planner.plan(after: runtime.highWater, now: now, paused: runtime.paused)
        let definition = runtime.definition
        var pending: [TickRecord] = []
        var lastFired = runtime.lastFiredInstance
        var bufferedTick = runtime.bufferedTick
        var newlyBuffered: BufferedTicks.Waiting?
        let prune = runtime.unpruned + planned.count >= ScheduleLedger.pruneEvery
        var pruned = false
        do {
            for tick in planned {
                switch tick.action {
                case .skip(let reason):
                    pending.append(TickRecord(tick: tick.tick, outcome: .skipped, reason: reason.text, fireAt: tick.fireAt, recordedAt: clock.now()))
                case .miss(let reason):
                    pending.append(TickRecord(tick: tick.tick, outcome: .missed, reason: reason.text, fireAt: tick.fireAt, recordedAt: clock.now()))
                case .fire:
                    if definition.overlap != .allow, let previous = lastFired, try isUnfinished(definition.workflow, previous) {
                        if definition.overlap == .skip {
                            pending.append(TickRecord(tick: tick.tick, outcome: .skipped, reason: TickReason("overlap", "instance \(previous) was still running").text,
                                                      fireAt: tick.fireAt, recordedAt: clock.now()))
                        } else if let waiting = bufferedTick {
                            pending.append(TickRecord(tick: tick.tick, outcome: .skipped,
                                                      reason: TickReason("overlap_buffer_full", "instance \(previous) was still running and the tick of \(Self.iso(waiting)) already waits").text,
                                                      fireAt: tick.fireAt, recordedAt: clock.now()))
                        } else {
                            pending.append(TickRecord(tick: tick.tick, outcome: .buffered, reason: "waiting for instance \(previous) to finish",
                                                      instance: definition.instanceID(forTick: tick.tick), fireAt: tick.fireAt, recordedAt: clock.now()))
                            bufferedTick = tick.tick
                            newlyBuffered = .init(schedule: name, previous: previous, tick: tick.tick, fireAt: tick.fireAt)
                        }
                        continue
                    }
                    let pruneNow = prune && !pruned
                    pruned = pruned || prune
                    if try await fire(definition, tick: tick.tick, fireAt: tick.fireAt, alongside: pending, source: "schedule", extra: { tx in
                        if pruneNow { try ScheduleLedger.prune(name, tx) }
                    }) {
                        lastFired = definition.instanceID(forTick: tick.tick)
                    }
                    count(pending)
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
                runtime.wakeAt = retry
            }
            return
        }
        update(name) { runtime in
            if let last = planned.last { runtime.highWater = max(runtime.highWater, last.tick) }
            runtime.lastFiredInstance = lastFired
            runtime.bufferedTick = bufferedTick
            runtime.unpruned = pruned ? 0 : runtime.unpruned + planned.count
            runtime.refreshWake()
        }
        if let newlyBuffered { buffered.add(newlyBuffered) }
    }

    /// Creates the tick's instance with its ledger rows (and `alongside`, the skipped and
    /// missed ticks before it) in one transaction. Returns whether the tick fired; a refused
    /// create (unknown workflow, params the workflow rejects) is recorded as `failed`.
    /// Throws only when the store cannot commit.
    @discardableResult
    func fire(_ definition: ScheduleDefinition, tick: Date, fireAt: Date?, alongside: [TickRecord], source: String,
              extra: (@Sendable (any StoreTransaction) throws -> Void)? = nil) async throws -> Bool {
        let name = definition.name
        let id = definition.instanceID(forTick: tick)
        let clock = self.clock
        do {
            let params = definition.payload(forTick: tick).jsonData()
            let outcome = try await engine.start(definition.workflow, id: id, paramsJSON: params, trigger: "cron", eventTime: tick) { _, tx in
                for record in alongside { try ScheduleLedger.record(record, schedule: name, tx) }
                try ScheduleLedger.record(TickRecord(tick: tick, outcome: .fired, instance: id, fireAt: fireAt, recordedAt: clock.now(), source: source),
                                          schedule: name, tx)
                try extra?(tx)
            }
            if outcome.wasCreated {
                let committed = clock.now()
                onFired?(FiredTick(schedule: name, instance: id, dueAt: fireAt ?? tick, committedAt: committed))
                metrics.fired.increment()
                let lateness = committed.timeIntervalSince(fireAt ?? tick)
                metrics.lateness.record(lateness)
                logger.info("schedule fired", metadata: ["schedule": "\(name)", "instance": "\(id)", "lateness_ms": "\(Int(lateness * 1000))"])
            }
            return true
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
            return false
        }
    }

    /// Fires a buffered tick once the instance before it has finished.
    func fireWhenPreviousFinishes(_ waiting: BufferedTicks.Waiting) async {
        guard let definition = runtime(waiting.schedule)?.definition else { return }
        do {
            _ = try await engine.waitUntilFinished(definition.workflow, id: waiting.previous, timeout: .seconds(10 * 365 * 86_400))
        } catch let error as EngineError where error.code == .instanceNotFound {
            // Purged or never stored: nothing runs, so the buffered tick may start.
        } catch {
            return      // shutting down: the tick stays buffered in the ledger
        }
        let name = waiting.schedule
        do {
            let fired = try await fire(definition, tick: waiting.tick, fireAt: waiting.fireAt, alongside: [], source: "schedule") { tx in
                try tx.execute("UPDATE cron_schedules SET buffered_tick = NULL WHERE name = ? AND buffered_tick = ?", [.text(name), .time(waiting.tick)])
            }
            update(name) { runtime in
                runtime.bufferedTick = nil
                if fired { runtime.lastFiredInstance = definition.instanceID(forTick: waiting.tick) }
            }
        } catch {
            logger.error("cannot start a buffered tick; it stays buffered until the next start", metadata: ["schedule": "\(name)", "error": "\(error)"])
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
            case .skipped: metrics.skipped(code)
            case .missed: metrics.missed(code)
            case .buffered: metrics.buffered.increment()
            case .fired: metrics.fired.increment()
            case .failed: metrics.failed.increment()
            }
        }
    }

    static func iso(_ date: Date) -> String { date.formatted(.iso8601) }
}
