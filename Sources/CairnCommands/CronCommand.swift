import ArgumentParser
import Cairn
import CairnTriggers
import Foundation

/// `cairn cron next`: previews an expression's fire times. Needs no config and no running
/// appliance, so it works the same on a laptop and in a script.
struct CronCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cron",
        abstract: "Preview cron expressions (no running appliance or config needed).",
        discussion: "Syntax, day-of-week numbers (1 = Monday) and the DST rule: docs/cron.md.",
        subcommands: [Next.self]
    )

    struct Next: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "next",
            abstract: "Print the next fire times of a cron expression, one ISO 8601 timestamp per line.",
            discussion: """
            Without --tz the expression is read in UTC and times end in Z; with --tz they carry \
            the zone's offset. A fire moved by a DST gap is followed by two spaces and a note, so \
            `cut -d' ' -f1` still gives the timestamps. Exit codes: 0 success, 1 the expression \
            never fires, 2 a bad expression, zone or option.
            """
        )

        @Argument(help: "A five-field expression or a macro, quoted: \"*/15 9-17 * * MON-FRI\", \"0 3 * * *\", @daily.")
        var expression: String

        @Option(name: .long, help: ArgumentHelp("The IANA time zone to read the expression in (default UTC).", valueName: "zone"))
        var tz: String?

        @Option(name: .long, help: ArgumentHelp("List fire times strictly after this instant: ISO 8601 with Z or an offset (default: now).", valueName: "time"))
        var after: String?

        @Option(name: [.customShort("n"), .customLong("count")], help: ArgumentHelp("How many fire times (1-1000).", valueName: "count"))
        var count = 10

        @Flag(name: .long, help: "Print JSON: the expression, the zone and each fire time in local time and UTC.")
        var json = false

        func validate() throws {
            guard (1...1000).contains(count) else {
                throw ValidationError("-n is \(count); ask for 1 to 1000 fire times.")
            }
        }

        func run() async throws {
            let cron: CronExpression
            do {
                cron = try CronExpression(expression)
            } catch {
                throw CLIFailure.usage("\(error)")
            }
            var zone: TimeZone?
            if let tz {
                do {
                    zone = try TimeZones.named(tz)
                } catch {
                    throw CLIFailure.usage("--tz: \(error.message)")
                }
            }
            var start = Date()
            if let after {
                guard let parsed = FireTime.parse(after) else {
                    throw CLIFailure.usage("--after \"\(after)\" is not an ISO 8601 time with a zone; write e.g. 2026-11-25T13:07:00Z or 2026-11-25T08:07:00-05:00.")
                }
                start = parsed
            }
            let fires = cron.fires(after: start, in: zone ?? .gmt, count: count)
            guard !fires.isEmpty else {
                throw CLIFailure(code: 1, message: "\"\(cron.source)\" never fires: no date matches it (such as day 30 in February). Check the day-of-month and month fields.")
            }
            if json {
                Output.json(report(cron: cron, zone: zone, start: start, fires: fires).jsonData())
            } else {
                for fire in fires {
                    print(FireTime.iso(fire.date, in: zone) + (zone.map { FireTime.gapNote(fire, cron: cron, in: $0) } ?? ""))
                }
            }
            if fires.count < count {
                CLIFailure.writeError("note: only \(fires.count) fire times found in the years searched.")
            }
        }

        private func report(cron: CronExpression, zone: TimeZone?, start: Date, fires: [CronFire]) -> JSONValue {
            let items: [JSONValue] = fires.map { fire in
                var item: [String: JSONValue] = [
                    "time": .string(FireTime.iso(fire.date, in: zone)),
                    "utc": .string(FireTime.iso(fire.date, in: nil)),
                    "moved_by_dst_gap": .bool(fire.movedByGap),
                ]
                if let zone, let skipped = FireTime.skippedLocalTime(of: fire, cron: cron, in: zone) {
                    item["skipped_local_time"] = .string(skipped)
                }
                return .object(item)
            }
            return [
                "expression": .string(cron.source),
                "timezone": .string(zone?.identifier ?? "UTC"),
                "after": .string(FireTime.iso(start, in: nil)),
                "fires": .array(items),
            ]
        }
    }
}
