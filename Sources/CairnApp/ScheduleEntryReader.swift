import Cairn
import CairnTriggers
import Foundation
import TOMLKit

/// Reads one `[[schedules]]` entry. Every error names the schedule, sits on the line of the
/// offending key and says what to write instead.
struct ScheduleEntryReader: ConfigEntryReader {
    static let keys = ["name", "cron", "workflow", "timezone", "params", "paused", "catch_up", "catch_up_window", "max_catch_up", "overlap", "jitter"]
    /// Set by Cairn on every tick; a configured param of the same name would be overwritten.
    static let reservedParams = ["cron", "scheduledTime", "schedule"]
    static let maxCatchUpLimit = ScheduleDefinition.maxCatchUpLimit

    let reader: ConfigReader
    let table: TOMLTable
    /// `schedules[3]`, for line lookups.
    let path: String
    private var name: String?

    init(reader: ConfigReader, table: TOMLTable, path: String) {
        self.reader = reader
        self.table = table
        self.path = path
    }

    /// The entry as a definition, with the lines of its keys (`workflow`, `params`, …) for
    /// checks that run after parsing.
    mutating func read() throws -> (definition: ScheduleDefinition, lines: [String: Int]) {
        try reader.keys(table, allowed: Self.keys, path: path)
        guard let name = try string("name", example: "\"nightly-report\"") else {
            throw error(nil, "has no name. Add name = \"nightly-report\" (letters, digits, - and _; it becomes part of every tick's instance ID).")
        }
        do {
            try ScheduleDefinition.validate(name: name)
        } catch {
            throw reader.error("\(path).name", "\(error)")
        }
        self.name = name
        guard let cronText = try string("cron", example: "\"0 3 * * *\"") else {
            throw error(nil, "has no cron expression. Add e.g. cron = \"0 3 * * *\" (03:00 every day) or cron = \"@hourly\".")
        }
        let cron: CronExpression
        do {
            cron = try CronExpression(cronText)
        } catch {
            throw self.error("cron", "cron = \"\(cronText)\" is not a valid cron expression: \(error). Preview one with: cairn cron next \"0 3 * * *\"")
        }
        guard let workflow = try string("workflow", example: "\"my-workflow\"") else {
            throw error(nil, "has no workflow. Add workflow = \"<name of a [[workflows]] entry>\", the workflow each tick starts.")
        }
        var zone = TimeZones.utc
        if let zoneName = try string("timezone", example: "\"America/New_York\"") {
            do {
                zone = try TimeZones.named(zoneName)
            } catch {
                throw self.error("timezone", "\(error.message) Leave timezone out for UTC.")
            }
        }
        let catchUp = try readCatchUp()
        var overlap = ScheduleDefinition.Overlap.allow
        if let text = try string("overlap", example: "\"skip\"") {
            guard let chosen = ScheduleDefinition.Overlap(rawValue: text) else {
                let choices = ScheduleDefinition.Overlap.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                throw error("overlap", "overlap = \"\(text)\" is not a policy; write one of \(choices) (allow: start anyway; skip: no new instance while the last one runs; buffer_one: one waits).")
            }
            overlap = chosen
        }
        let jitter = try duration("jitter", example: "\"30 seconds\"").map { Duration.milliseconds($0) }
        let params = try readParams()
        let paused = try bool("paused") ?? false
        let definition: ScheduleDefinition
        do {
            definition = try ScheduleDefinition(name: name, cron: cron, workflow: workflow, timeZone: zone, params: params, paused: paused,
                                                catchUp: catchUp, overlap: overlap, jitter: jitter, line: reader.lines.line(of: path))
        } catch {
            throw reader.error(path, "\(error)")
        }
        var lines: [String: Int] = [:]
        // Only keys that are there: the lookup of a missing key answers the entry's line.
        for key in ["name", "cron", "workflow", "params"] where table[key] != nil { lines[key] = reader.lines.line(of: "\(path).\(key)") }
        return (definition, lines)
    }

    /// `catch_up` with `catch_up_window` (only for `latest`) and `max_catch_up` (only for `all`).
    private func readCatchUp() throws -> ScheduleDefinition.CatchUp {
        let policy = try string("catch_up", example: "\"latest\"")
        if let policy, !["latest", "all", "none"].contains(policy) {
            throw error("catch_up", "catch_up = \"\(policy)\" is not a policy; write \"latest\" (the default: only the latest missed tick), \"all\" (every missed tick, up to max_catch_up) or \"none\".")
        }
        let window = try duration("catch_up_window", example: "\"2 hours\"")
        if window != nil, let policy, policy != "latest" {
            throw error("catch_up_window", "catch_up_window applies only to catch_up = \"latest\", and this schedule has catch_up = \"\(policy)\". Remove catch_up_window, or write catch_up = \"latest\".")
        }
        let max = try int("max_catch_up", example: "10")
        if let max {
            guard max >= 1 else {
                throw error("max_catch_up", "max_catch_up = \(max), but it must be at least 1 (the default is \(ScheduleDefinition.defaultMaxCatchUp)). To fire no missed ticks after downtime, write catch_up = \"none\" instead.")
            }
            guard max <= Self.maxCatchUpLimit else {
                throw error("max_catch_up", "max_catch_up = \(max) is more than \(Self.maxCatchUpLimit). Write a smaller cap; to replay a long window on purpose use: cairn schedules backfill \(name ?? "<name>") --from T --to T")
            }
            guard policy == "all" else {
                let current = policy.map { "this schedule has catch_up = \"\($0)\"" } ?? "catch_up defaults to \"latest\""
                throw error("max_catch_up", "max_catch_up applies only to catch_up = \"all\", and \(current). Add catch_up = \"all\", or remove max_catch_up.")
            }
        }
        switch policy {
        case "all": return .all(max: max ?? ScheduleDefinition.defaultMaxCatchUp)
        case "none": return .none
        default: return .latest(window: window.map { Duration.milliseconds($0) })
        }
    }

    /// The `params` table (inline or `[schedules.params]`) as JSON members.
    private func readParams() throws -> [String: JSONValue] {
        guard let value = table["params"] else { return [:] }
        guard value.tomlValue.type == .table else {
            throw error("params", "params must be a table, e.g. params = { region = \"eu\" } or a [schedules.params] section below the entry.")
        }
        var ignoredLines: [String: Int] = [:]
        guard case .table(let members) = try reader.optionValue(value, path: path, key: "params", option: "params", lines: &ignoredLines) else { return [:] }
        if let reserved = Self.reservedParams.first(where: { members[$0] != nil }) {
            throw error("params.\(reserved)", "params.\(reserved) is set by Cairn on every tick (cron, scheduledTime and schedule are added to each instance's params), so a configured value would be lost. Rename the param.")
        }
        let json = members.mapValues(\.json)
        if let key = json.sorted(by: { $0.key < $1.key }).first(where: { !Self.isFinite($0.value) })?.key {
            throw error("params.\(key)", "params.\(key) holds nan or inf, which JSON cannot carry. Write a number, or a string such as \"inf\".")
        }
        return json
    }

    /// Whether every number in `value` is finite.
    private static func isFinite(_ value: JSONValue) -> Bool {
        switch value {
        case .number(let number): number.isFinite
        case .array(let elements): elements.allSatisfy(isFinite)
        case .object(let members): members.values.allSatisfy(isFinite)
        default: true
        }
    }

    // MARK: Typed values (ConfigEntryReader)

    var subject: String { name.map { "Schedule \"\($0)\"" } ?? "A [[schedules]] entry" }
}
