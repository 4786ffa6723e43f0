import ArgumentParser
import CairnAPI
import CairnTriggers
import Foundation

/// `cairn schedules …`: inspect and steer the cron schedules of a running appliance.
struct SchedulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedules",
        abstract: "List, describe, pause, resume, trigger and backfill cron schedules.",
        subcommands: [List.self, Describe.self, Pause.self, Resume.self, Trigger.self, Backfill.self]
    )

    static func path(_ name: String) -> String { "schedules/\(APIClient.segment(name))" }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List schedules with their next and last ticks.")
        @OptionGroup var connection: ConnectionOptions
        @Flag(name: .long, help: "Print the server's JSON.") var json = false

        func run() async throws {
            let answer = try await connection.client().get("schedules", as: ScheduleList.self)
            if json { return Output.json(answer.raw) }
            guard !answer.body.schedules.isEmpty else {
                print("No schedules. Add [[schedules]] entries to the config (see docs/cron.md).")
                return
            }
            var rows = [["NAME", "CRON", "TIMEZONE", "WORKFLOW", "NEXT", "LAST", "OUTCOME", "STATE"]]
            for schedule in answer.body.schedules {
                rows.append([schedule.name, schedule.cron, schedule.timezone, schedule.workflow, SchedulesCommand.time(schedule.nextFireAt),
                             SchedulesCommand.time(schedule.lastTick), schedule.lastOutcome ?? "-", SchedulesCommand.state(schedule)])
            }
            Output.table(rows)
        }
    }

    struct Describe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "describe", abstract: "Show a schedule with its last ticks and configuration changes.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The schedule name.") var name: String
        @Option(name: .long, help: "How many recent ticks to show (1–1000).") var ticks: Int = 50
        @Flag(name: .long, help: "Print the server's JSON.") var json = false

        func validate() throws {
            try SchedulesCommand.validate(name: name)
            guard (1...1000).contains(ticks) else { throw ValidationError("--ticks must be from 1 to 1000.") }
        }

        func run() async throws {
            let answer = try await connection.client().get(SchedulesCommand.path(name), query: ["ticks": "\(ticks)"], as: ScheduleDescription.self)
            if json { return Output.json(answer.raw) }
            let schedule = answer.body.schedule
            Output.table([
                ["Schedule:", schedule.name],
                ["Cron:", "\(schedule.cron)  (\(schedule.timezone))"],
                ["Workflow:", schedule.workflow],
                ["State:", SchedulesCommand.state(schedule)],
                ["Next tick:", SchedulesCommand.time(schedule.nextTick) + (schedule.nextFireAt != schedule.nextTick ? "  (due \(SchedulesCommand.time(schedule.nextFireAt)) with jitter)" : "")],
                ["Evaluated to:", SchedulesCommand.time(schedule.highWater)],
                ["Catch-up:", schedule.catchUp],
                ["Overlap:", schedule.overlap + (schedule.bufferedTick.map { "  (tick \(SchedulesCommand.time($0)) buffered)" } ?? "")],
            ])
            print("")
            if answer.body.ticks.isEmpty {
                print("No ticks yet.")
            } else {
                var rows = [["TICK", "OUTCOME", "INSTANCE", "REASON"]]
                for tick in answer.body.ticks {
                    rows.append([SchedulesCommand.time(tick.tick), tick.outcome + (tick.source == "backfill" ? " (backfill)" : ""),
                                 tick.instanceId ?? "-", tick.reason ?? ""])
                }
                Output.table(rows)
            }
            if !answer.body.audit.isEmpty {
                print("\nChanges:")
                Output.table(answer.body.audit.map { [SchedulesCommand.time($0.at), $0.event, $0.detail] }, indent: "  ")
            }
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "pause", abstract: "Pause a schedule (kept across restarts; its ticks are recorded as skipped).")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The schedule name.") var name: String
        @Flag(name: .long, help: "Print the server's JSON.") var json = false
        func validate() throws { try SchedulesCommand.validate(name: name) }
        func run() async throws { try await SchedulesCommand.setPaused(connection, name, true, json: json) }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "resume", abstract: "Resume a paused schedule from its next tick.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The schedule name.") var name: String
        @Flag(name: .long, help: "Print the server's JSON.") var json = false
        func validate() throws { try SchedulesCommand.validate(name: name) }
        func run() async throws { try await SchedulesCommand.setPaused(connection, name, false, json: json) }
    }

    static func setPaused(_ connection: ConnectionOptions, _ name: String, _ paused: Bool, json: Bool) async throws {
        let answer = try await connection.client().patch(path(name), json: SchedulePatch(paused: paused), as: ScheduleSummary.self)
        if json { return Output.json(answer.raw) }
        if paused {
            print("Schedule \(name) paused.")
        } else {
            print("Schedule \(name) resumed; next tick \(time(answer.body.nextFireAt)).")
        }
    }

    struct Trigger: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "trigger", abstract: "Run a schedule's workflow now (its own instance, outside the tick ledger).")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The schedule name.") var name: String
        @Flag(name: .long, help: "Print the server's JSON.") var json = false

        func validate() throws { try SchedulesCommand.validate(name: name) }

        func run() async throws {
            let answer = try await connection.client().post(SchedulesCommand.path(name) + "/trigger", raw: nil, as: ScheduleTriggered.self)
            if json { return Output.json(answer.raw) }
            print("Started instance \"\(answer.body.instanceId)\" of \(answer.body.workflow). Follow it with: cairn instances describe \(answer.body.workflow) \(answer.body.instanceId)")
        }
    }

    struct Backfill: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "backfill",
            abstract: "Create the ticks of a past window on purpose.",
            discussion: "Ticks are created oldest first with the same instance IDs as real ticks, so a window that overlaps ticks that already fired (or an earlier backfill) creates nothing twice.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The schedule name.") var name: String
        @Option(name: .long, help: "Start of the window (ISO 8601, e.g. 2026-11-01T00:00:00Z), inclusive.") var from: String
        @Option(name: .long, help: "End of the window (ISO 8601), inclusive; at most now.") var to: String
        @Flag(name: .long, help: "Only list the ticks and whether each would be created.") var dryRun = false
        @Flag(name: .long, help: "Print JSON (the server's answer shape, all ticks).") var json = false

        func validate() throws {
            try SchedulesCommand.validate(name: name)
            for (flag, value) in [("--from", from), ("--to", to)] where Timestamp.strict(value) == nil {
                throw ValidationError("\(flag) \(value) is not an RFC 3339 time between 1970 and 9999 with a zone; write e.g. 2026-11-01T00:00:00Z.")
            }
        }

        func run() async throws {
            let client = try connection.client()
            let path = SchedulesCommand.path(name) + "/backfill"
            let preview = try await client.post(path, json: BackfillRequest(from: from, to: to, dryRun: true), as: BackfillResult.self)
            var result = preview.body
            if !dryRun, !preview.body.ticks.isEmpty {
                // In slices, so a long window shows progress and each slice commits on its own.
                let ticks = preview.body.ticks
                let progress = Progress("backfill \(name)", total: ticks.count)
                var done: [BackfillResult.Entry] = []
                for start in stride(from: 0, to: ticks.count, by: 25) {
                    let slice = ticks[start..<min(start + 25, ticks.count)]
                    guard let first = slice.first, let last = slice.last else { continue }
                    let answer = try await client.post(path, json: BackfillRequest(from: first.tick, to: last.tick, dryRun: false), as: BackfillResult.self)
                    done += answer.body.ticks
                    progress.update(done.count)
                }
                progress.finish()
                result = BackfillResult(schedule: name, dryRun: false, ticks: done)
            }
            if json { return Output.json(try JSONEncoder.api.encode(result)) }
            if result.ticks.isEmpty {
                print("No ticks of \(name) between \(from) and \(to).")
                return
            }
            var rows = [["TICK", "INSTANCE", dryRun ? "WOULD CREATE" : "CREATED"]]
            for tick in result.ticks { rows.append([SchedulesCommand.time(tick.tick), tick.instanceId, tick.created ? "yes" : "no (exists)"]) }
            Output.table(rows)
            let created = result.ticks.filter(\.created).count
            print("\n\(result.ticks.count) ticks, \(created) \(dryRun ? "would be created" : "created"), \(result.ticks.count - created) existed already.")
        }
    }

    /// Refuses a name no schedule can have before anything is sent (exit 2).
    static func validate(name: String) throws {
        do {
            try ScheduleDefinition.validate(name: name)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    static func time(_ text: String?) -> String { Output.time(text.flatMap(Timestamp.date)) }

    static func state(_ schedule: ScheduleSummary) -> String {
        if schedule.orphaned { return "orphaned (not in the config)" }
        if schedule.paused { return "paused (\(schedule.pausedBy ?? "config"))" }
        return "active"
    }
}
