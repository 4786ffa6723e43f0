import Cairn
import CairnTriggers
import Foundation

extension Appliance {
    /// Adds the cron feature through the builder's hooks, as any feature would: the ledger's
    /// migrations, the schedule service (after the engine, before the server, so it drains
    /// before the engine) and the `/schedules` routes. It runs with no schedules too, so
    /// orphaned ones stay visible.
    mutating func installSchedules() {
        let definitions = config.schedules
        let box = ServiceBox<ScheduleService>()
        addMigrations(ScheduleService.migrations)
        addService { context in
            let service = ScheduleService(definitions: definitions, engine: context.engine, store: context.store, logger: context.logger)
            box.set(service)
            return service
        }
        addRoutes(authenticated: true, ScheduleRoutes.registration(box, maxBodyBytes: config.server.maxBodyBytes).add)
    }

    /// Checks each `[[schedules]]` entry against the workflows the appliance serves: the
    /// workflow must exist and accept the params every tick will carry (the configured ones
    /// plus `cron`, `scheduledTime` and `schedule`). Run by ``build(config:configure:)``, so
    /// `cairn config check` and start-up refuse the same mistakes, with the file and line.
    public func checkSchedules(against registrations: [ResolvedWorkflow]) throws {
        let served = Dictionary(registrations.map { ($0.name, $0.workflow) }, uniquingKeysWith: { first, _ in first })
        for schedule in config.schedules {
            let lines = config.scheduleLines[schedule.name] ?? [:]
            guard let workflow = served[schedule.workflow] else {
                let known = served.keys.sorted()
                let list = known.isEmpty ? "none (add a [[workflows]] entry first)" : known.joined(separator: ", ")
                throw ConfigError("Schedule \"\(schedule.name)\" starts workflow \"\(schedule.workflow)\", which this appliance does not serve. Known workflows: \(list). Set workflow to one of them.",
                                  file: config.source, line: lines["workflow"] ?? schedule.line)
            }
            guard let tick = schedule.cron.next(after: Date(), in: schedule.timeZone) else {
                throw ConfigError("Schedule \"\(schedule.name)\": cron = \"\(schedule.cron.source)\" never fires (no date matches it, e.g. February 30th). Check the day-of-month and month fields; preview with: cairn cron next \"\(schedule.cron.source)\"",
                                  file: config.source, line: lines["cron"] ?? schedule.line)
            }
            let payload = schedule.payload(forTick: tick).jsonData()
            guard payload.count <= config.engine.maxPayloadBytes else {
                throw ConfigError("Schedule \"\(schedule.name)\": each tick's params would be \(payload.count) bytes; the limit is \(config.engine.maxPayloadBytes) bytes (engine.max_payload_bytes). Shrink params, or keep large data elsewhere and pass a reference.",
                                  file: config.source, line: lines["params"] ?? schedule.line)
            }
            do {
                try workflow.checkParams(payload)
            } catch {
                let reason = (error as? WorkflowError)?.message ?? "\(error)"
                throw ConfigError("Schedule \"\(schedule.name)\": workflow \"\(schedule.workflow)\" refuses the params each tick would carry: \(reason) Fix params (each tick's params are params plus cron, scheduledTime and schedule), or bind the schedule to a workflow that takes them.",
                                  file: config.source, line: lines["params"] ?? lines["workflow"] ?? schedule.line)
            }
        }
    }
}
