import Cairn
import CairnApp
import CairnTriggers
import Foundation

/// How `cairn config check` shows `[[schedules]]` entries, as a table and as JSON.
enum ConfigSchedules {
    /// `latest (within 2 hours)`, `all (at most 10)`, `none`.
    static func catchUp(_ policy: ScheduleDefinition.CatchUp) -> String {
        switch policy {
        case .latest(let window?): "latest (within \(WorkflowDuration(window)))"
        case .latest(nil): "latest (within 1 period, max 24 hours)"
        case .all(let max): "all (at most \(max))"
        case .none: "none"
        }
    }

    /// UTC zones print times with `Z`, others with their offset.
    static func displayZone(_ zone: TimeZone) -> TimeZone? {
        ["GMT", "UTC", "Etc/UTC", "Etc/GMT", "UCT", "Zulu", "Etc/Zulu", "Universal", "Etc/Universal"].contains(zone.identifier) ? nil : zone
    }

    /// The next fire time after `now`, with a DST note when a gap moved it.
    static func next(_ schedule: ScheduleDefinition, after now: Date) -> String {
        guard let fire = schedule.cron.fire(after: now, in: schedule.timeZone) else { return "never" }
        return FireTime.iso(fire.date, in: displayZone(schedule.timeZone)) + FireTime.gapNote(fire, cron: schedule.cron, in: schedule.timeZone)
    }

    /// The `schedules:` section of the text report.
    static func printTable(_ schedules: [ScheduleDefinition], now: Date) {
        print("schedules:")
        guard !schedules.isEmpty else {
            print("  (none)")
            return
        }
        var rows = [["NAME", "CRON", "TIMEZONE", "WORKFLOW", "CATCH-UP", "OVERLAP", "JITTER", "PAUSED", "PARAMS", "NEXT"]]
        for schedule in schedules {
            rows.append([
                schedule.name, schedule.cron.source, schedule.timeZone.identifier, schedule.workflow, catchUp(schedule.catchUp),
                schedule.overlap.rawValue, schedule.jitter.map { "\(WorkflowDuration($0))" } ?? "-", schedule.paused ? "yes" : "no",
                schedule.params.isEmpty ? "-" : JSONValue.object(Redaction.json(schedule.params)).description, next(schedule, after: now),
            ])
        }
        Output.table(rows, indent: "  ")
        if schedules.contains(where: \.paused) {
            print("  (paused as configured; `cairn schedules pause|resume` on a running appliance overrides it)")
        }
    }

    /// One schedule as JSON: durations in milliseconds, `null` for defaults.
    static func json(_ schedule: ScheduleDefinition, now: Date) -> JSONValue {
        var catchUp: [String: JSONValue] = ["policy": .string(schedule.catchUp.name)]
        switch schedule.catchUp {
        case .latest(let window): catchUp["window_ms"] = window.map { .int(milliseconds($0)) } ?? .null
        case .all(let max): catchUp["max"] = .int(Int64(max))
        case .none: break
        }
        let fire = schedule.cron.fire(after: now, in: schedule.timeZone)
        return [
            "name": .string(schedule.name),
            "cron": .string(schedule.cron.source),
            "timezone": .string(schedule.timeZone.identifier),
            "workflow": .string(schedule.workflow),
            "params": .object(Redaction.json(schedule.params)),
            "paused": .bool(schedule.paused),
            "catch_up": .object(catchUp),
            "overlap": .string(schedule.overlap.rawValue),
            "jitter_ms": schedule.jitter.map { .int(milliseconds($0)) } ?? .null,
            "next_fire": fire.map { .string(FireTime.iso($0.date, in: displayZone(schedule.timeZone))) } ?? .null,
            "next_fire_moved_by_dst_gap": .bool(fire?.movedByGap ?? false),
            "line": schedule.line.map { .int(Int64($0)) } ?? .null,
        ]
    }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        (try? WorkflowDuration(duration).milliseconds()) ?? 0
    }
}
