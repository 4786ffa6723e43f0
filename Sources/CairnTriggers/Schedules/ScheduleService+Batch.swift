import Cairn
import CairnEngine
import CairnStore
import Foundation

extension ScheduleService {
    /// How many ticks share one store unit on the fast path.
    static let batchSize = 128

    /// A tick that needs nothing but its instance: on time, the only one due for its
    /// schedule, and `overlap = "allow"`.
    struct SimpleTick: Sendable {
        var definition: ScheduleDefinition
        var tick: Date
        var fireAt: Date
        var prune: Bool
    }

    /// Fires the due schedules whose only due tick is a plain fire in batches (one store unit
    /// per ``batchSize`` ticks, each tick's instance with its ledger row), so a thousand
    /// schedules due in one minute share a few savepoints and one dispatch. Returns the
    /// schedules left for the one-by-one path: paused ones, catch-up, overlap policies, and
    /// any batch that failed (each of its ticks is then retried on its own, which records a
    /// refused create as failed).
    func fireSimpleTicks(_ due: [String], now: Date) async -> [String] {
        var simple: [SimpleTick] = []
        var slow: [String] = []
        for name in due {
            guard let runtime = runtime(name) else { continue }
            let plan = runtime.planner.plan(after: runtime.highWater, now: now, paused: runtime.paused, runningSince: runningSince)
            guard runtime.definition.overlap == .allow, runtime.deferred.isEmpty, plan.count == 1, let only = plan.first, only.action == .fire,
                  runtime.planner.isOnTime(only.fireAt, now: now, runningSince: runningSince) else {
                slow.append(name)
                continue
            }
            simple.append(SimpleTick(definition: runtime.definition, tick: only.tick, fireAt: only.fireAt,
                                     prune: runtime.unpruned + 1 >= ScheduleLedger.pruneEvery))
        }
        guard !simple.isEmpty else { return slow }
        let batches = stride(from: 0, to: simple.count, by: Self.batchSize).map { Array(simple[$0..<min($0 + Self.batchSize, simple.count)]) }
        let failed = await withTaskGroup(of: [String].self) { group in
            for batch in batches {
                group.addTask { await self.fire(batch) }
            }
            var failed: [String] = []
            for await names in group { failed += names }
            return failed
        }
        return slow + failed
    }

    /// Starts one batch; returns the schedules to retry one by one if it failed.
    private func fire(_ batch: [SimpleTick]) async -> [String] {
        let clock = self.clock
        let requests = batch.map { item in
            let name = item.definition.name
            let id = item.definition.instanceID(forTick: item.tick)
            let prune = item.prune
            let (tick, fireAt) = (item.tick, item.fireAt)
            return Engine.StartRequest(workflow: item.definition.workflow, id: id, params: item.definition.payload(forTick: item.tick).jsonData(),
                                       trigger: "cron", eventTime: item.tick) { outcome, tx in
                try ScheduleLedger.record(Self.tickRecord(for: outcome, tick: tick, fireAt: fireAt, at: clock.now(), source: "schedule"), schedule: name, tx)
                if prune { try ScheduleLedger.prune(name, tx) }
            }
        }
        let outcomes: [StartOutcome]
        do {
            outcomes = try await engine.startMany(requests)
        } catch {
            logger.debug("a batch of ticks failed; retrying them one by one", metadata: ["error": "\(error)"])
            return batch.map(\.definition.name)
        }
        let committed = clock.now()
        for (item, outcome) in zip(batch, outcomes) {
            let name = item.definition.name
            let id = item.definition.instanceID(forTick: item.tick)
            if outcome.wasCreated {
                onFired?(FiredTick(schedule: name, instance: id, dueAt: item.fireAt, committedAt: committed))
                metrics.fired.increment()
                metrics.lateness.record(committed.timeIntervalSince(item.fireAt))
                logger.info("schedule fired", metadata: ["schedule": "\(name)", "instance": "\(id)",
                                                         "lateness_ms": "\(Int(committed.timeIntervalSince(item.fireAt) * 1000))"])
            }
            let taken = !outcome.wasCreated && outcome.record.trigger != "cron"
            update(name) { runtime in
                runtime.highWater = max(runtime.highWater, item.tick)
                if !taken { runtime.lastFiredInstance = id }
                runtime.unpruned = item.prune ? 0 : runtime.unpruned + 1
                runtime.refreshWake()
            }
        }
        return []
    }
}
