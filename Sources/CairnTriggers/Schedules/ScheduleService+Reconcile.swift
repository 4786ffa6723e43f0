import CairnStore
import Foundation

extension ScheduleService {
    /// Brings the ledger in line with the config at start-up, in one transaction: a new
    /// schedule starts from now (no back-fill); a changed expression or time zone restarts its
    /// mark from now, with an audit entry; a schedule no longer configured is kept and marked
    /// orphaned (its ticks stop); one configured again after that starts from now.
    func reconcile() async throws {
        let now = clock.now()
        started.withLock { $0 = now }
        let definitions = self.definitions
        let rows = try await store.transaction { tx -> [ScheduleLedger.Row] in
            let existing = Dictionary(try ScheduleLedger.rows(tx).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            for definition in definitions {
                let zone = definition.timeZone.identifier
                guard let row = existing[definition.name] else {
                    try tx.execute("""
                        INSERT INTO cron_schedules (name, cron, timezone, workflow, high_water, config_paused, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                        """, [.text(definition.name), .text(definition.cron.source), .text(zone), .text(definition.workflow), .time(now),
                              .integer(definition.paused ? 1 : 0), .time(now)])
                    try ScheduleLedger.audit(definition.name, "added", "\(definition.cron.source) (\(zone)) → \(definition.workflow); first tick after \(Self.iso(now))", at: now, tx)
                    continue
                }
                if let buffered = row.bufferedTick, row.cron != definition.cron.source || !TimeZones.same(row.timezone, definition.timeZone)
                    || row.workflow != definition.workflow || row.orphanedAt != nil {
                    // The buffered tick belongs to the old configuration: it will not fire.
                    try ScheduleLedger.record(TickRecord(tick: buffered, outcome: .skipped, reason: TickReason("config_changed", "the schedule changed while this tick waited (buffer_one)").text,
                                                         instance: definition.instanceID(forTick: buffered), recordedAt: now),
                                              schedule: definition.name, tx, advance: false)
                }
                if row.cron != definition.cron.source || !TimeZones.same(row.timezone, definition.timeZone) {
                    try tx.execute("UPDATE cron_schedules SET cron = ?, timezone = ?, high_water = ?, buffered_tick = NULL, updated_at = ? WHERE name = ?",
                                   [.text(definition.cron.source), .text(zone), .time(now), .time(now), .text(definition.name)])
                    try ScheduleLedger.audit(definition.name, "changed", "\(row.cron) (\(row.timezone)) → \(definition.cron.source) (\(zone)); ticks restart after \(Self.iso(now)), missed ticks of the old expression are not caught up", at: now, tx)
                }
                if row.workflow != definition.workflow {
                    try tx.execute("UPDATE cron_schedules SET workflow = ?, last_fired_instance = NULL, buffered_tick = NULL, updated_at = ? WHERE name = ?",
                                   [.text(definition.workflow), .time(now), .text(definition.name)])
                    try ScheduleLedger.audit(definition.name, "changed", "workflow \(row.workflow) → \(definition.workflow)", at: now, tx)
                }
                if row.configPaused != definition.paused {
                    // The operator edited `paused` in the config (or this is the first start
                    // that records it): the edit is the newer decision, so an API pause or
                    // resume from before gives way to it.
                    let clears = row.configPaused != nil && row.paused != nil
                    try tx.execute("UPDATE cron_schedules SET config_paused = ?, paused = CASE WHEN ? THEN NULL ELSE paused END, updated_at = ? WHERE name = ?",
                                   [.integer(definition.paused ? 1 : 0), .integer(clears ? 1 : 0), .time(now), .text(definition.name)])
                    if clears {
                        try ScheduleLedger.audit(definition.name, definition.paused ? "paused" : "resumed",
                                                 "paused = \(definition.paused) in the config replaces the earlier \(row.paused == true ? "pause" : "resume") through the API", at: now, tx)
                    }
                }
                if row.orphanedAt != nil {
                    try tx.execute("UPDATE cron_schedules SET orphaned_at = NULL, high_water = ?, buffered_tick = NULL, updated_at = ? WHERE name = ?",
                                   [.time(now), .time(now), .text(definition.name)])
                    try ScheduleLedger.audit(definition.name, "readopted", "back in the config; ticks restart after \(Self.iso(now))", at: now, tx)
                }
            }
            for name in existing.keys { try ScheduleLedger.prune(name, tx) }
            let configured = Set(definitions.map(\.name))
            for row in existing.values where !configured.contains(row.name) && row.orphanedAt == nil {
                try tx.execute("UPDATE cron_schedules SET orphaned_at = ?, updated_at = ? WHERE name = ?", [.time(now), .time(now), .text(row.name)])
                try ScheduleLedger.audit(row.name, "orphaned", "no longer in the config: its ticks stopped; the ledger is kept", at: now, tx)
            }
            return try ScheduleLedger.rows(tx)
        }
        let byName = Dictionary(rows.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var waiting: [BufferedTicks.Waiting] = []
        state.withLock { runtimes in
            for definition in definitions {
                guard let row = byName[definition.name] else { continue }
                var runtime = Runtime(definition: definition, planner: TickPlanner(definition: definition), highWater: row.highWater,
                                      pausedOverride: row.paused, bufferedTick: row.bufferedTick, lastFiredInstance: row.lastFiredInstance)
                runtime.refreshWake()
                runtimes[definition.name] = runtime
                if let tick = row.bufferedTick, let previous = row.lastFiredInstance {
                    waiting.append(.init(schedule: definition.name, previous: previous, tick: tick, fireAt: nil))
                }
            }
        }
        for entry in waiting { buffered.add(entry) }
        let orphans = rows.filter { $0.orphanedAt != nil }.map(\.name)
        if !orphans.isEmpty {
            logger.warning("schedules in the ledger but not in the config (orphaned; their ticks stopped)", metadata: ["schedules": "\(orphans.joined(separator: ","))"])
        }
        ready.withLock { $0 = true }
        logger.info("schedules ready", metadata: ["count": "\(definitions.count)"])
    }
}
