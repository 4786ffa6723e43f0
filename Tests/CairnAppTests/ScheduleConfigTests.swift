import Cairn
import CairnApp
import CairnStock
import CairnTriggers
import Foundation
import Testing

/// `[[schedules]]` entries: every key is read, and every mistake is refused with the file, the
/// line of the offending key and what to write instead, both at parse time and once the
/// workflows are known (so `cairn config check` and start-up refuse the same things).
@Suite struct ScheduleConfigTests {
    /// Takes `region` and reads the tick's own fields, as a scheduled workflow would.
    struct Report: Workflow {
        struct Params: Codable, Sendable {
            var region: String
            var scheduledTime: Date
            var schedule: String
        }
        func run(event: WorkflowEvent<Params>, step: WorkflowStep) async throws -> String { event.payload.region }
    }

    static let configure: Appliance.Configure = { app in
        try StockWorkflows.configure(&app)
        try app.workflows.register(Report(), as: "report")
    }

    /// One seed workflow (lines 1-3), then `schedules` from line 4.
    private func config(_ schedules: String) -> String {
        "[[workflows]]\nname = \"seed\"\ntype = \"seed-example\"\n" + schedules
    }

    private func build(_ text: String) throws -> Appliance {
        try Appliance.build(config: ConfigLoader.parse(text, source: "x.toml"), configure: Self.configure)
    }

    @Test func aFullEntryKeepsEveryField() throws {
        let text = config("""
        [[schedules]]
        name = "nightly"
        cron = "30 2 * * MON-FRI"
        workflow = "report"
        timezone = "America/New_York"
        paused = true
        catch_up = "all"
        max_catch_up = 3
        overlap = "buffer_one"
        jitter = "45 seconds"
        [schedules.params]
        region = "eu"
        limits = { max = 5, tags = ["a", "b"] }

        [[schedules]]
        name = "hourly"
        cron = "@hourly"
        workflow = "seed"
        catch_up = "latest"
        catch_up_window = "2 hours"
        overlap = "skip"
        params = { name = "docs" }
        """)
        let appliance = try build(text)
        let schedules = appliance.config.schedules
        try #require(schedules.count == 2)
        let nightly = schedules[0]
        #expect(nightly.name == "nightly")
        #expect(nightly.cron.source == "30 2 * * MON-FRI")
        #expect(nightly.workflow == "report")
        #expect(nightly.timeZone.identifier == "America/New_York")
        #expect(nightly.paused)
        #expect(nightly.catchUp == .all(max: 3))
        #expect(nightly.overlap == .bufferOne)
        #expect(nightly.jitter == .seconds(45))
        #expect(nightly.params == ["region": "eu", "limits": ["max": 5, "tags": ["a", "b"]]])
        #expect(nightly.line == 4)
        let hourly = schedules[1]
        #expect(hourly.cron.source == "@hourly")
        #expect(hourly.timeZone.secondsFromGMT() == 0)
        #expect(hourly.catchUp == .latest(window: .seconds(7200)))
        #expect(hourly.overlap == .skip)
        #expect(hourly.params == ["name": "docs"])
        #expect(!hourly.paused)
        #expect(hourly.jitter == nil)
        #expect(hourly.line == 18)
    }

    /// The shipped sample shows a schedule, paused so `cairn serve` with the sample stays quiet.
    @Test func theSampleConfigHasAPausedScheduleForItsWorkflow() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../etc/cairn.toml").standardized.path
        let appliance = try Appliance.build(config: ConfigLoader.load(path: path), configure: StockWorkflows.configure)
        let schedule = try #require(appliance.config.schedules.first)
        #expect(appliance.config.schedules.count == 1)
        #expect(schedule.paused)
        #expect(schedule.workflow == "my-workflow")
        #expect(schedule.timeZone.identifier == "Europe/Berlin")
    }

    @Test func leftOutKeysTakeTheDocumentedDefaults() throws {
        let schedule = try #require(try build(config("[[schedules]]\nname = \"a\"\ncron = \"0 3 * * *\"\nworkflow = \"seed\"\n")).config.schedules.first)
        #expect(schedule.timeZone.secondsFromGMT() == 0 && schedule.timeZone.nextDaylightSavingTimeTransition == nil)
        #expect(schedule.catchUp == .latest(window: nil))
        #expect(schedule.overlap == .allow)
        #expect(schedule.jitter == nil)
        #expect(!schedule.paused)
        #expect(schedule.params.isEmpty)
        let all = try #require(try ConfigLoader.parse("[[schedules]]\nname = \"a\"\ncron = \"@daily\"\nworkflow = \"w\"\ncatch_up = \"all\"\n").schedules.first)
        #expect(all.catchUp == .all(max: ScheduleDefinition.defaultMaxCatchUp))
        #expect(try ConfigLoader.parse("").schedules.isEmpty)
    }

    /// Mistakes the parser sees on its own. Line 1 is `[[schedules]]`, line 2 the name.
    @Test(arguments: [
        ("cron = \"0 0 32 * *\"", 3, ["field 3 (day of month): 32 is out of range 1-31", "cron = \"0 0 32 * *\"", "cairn cron next"]),
        ("cron = \"0 9 * * MON-FRY\"", 3, ["field 5 (day of week)", "SUN-SAT"]),
        ("cron = \"0 0 3 * * *\"", 3, ["expected 5 fields", "no seconds or year field"]),
        ("timezone = \"Mars/Olympus_Mons\"", 3, ["\"Mars/Olympus_Mons\" is not a time zone", "\"America/New_York\"", "Leave timezone out for UTC"]),
        ("timezone = \"america/new_york\"", 3, ["Did you mean \"America/New_York\"?"]),
        ("timezone = \"New_York\"", 3, ["Did you mean \"America/New_York\"?"]),
        ("max_catch_up = 0\ncatch_up = \"all\"", 3, ["max_catch_up = 0", "at least 1", "catch_up = \"none\""]),
        ("catch_up = \"all\"\nmax_catch_up = -2", 4, ["max_catch_up = -2", "at least 1"]),
        ("max_catch_up = 5", 3, ["applies only to catch_up = \"all\"", "defaults to \"latest\"", "Add catch_up = \"all\""]),
        ("catch_up = \"none\"\ncatch_up_window = \"1 hour\"", 4, ["catch_up_window applies only to catch_up = \"latest\"", "Remove catch_up_window"]),
        ("catch_up = \"sometimes\"", 3, ["catch_up = \"sometimes\" is not a policy", "\"latest\"", "\"all\"", "\"none\""]),
        ("overlap = \"queue\"", 3, ["overlap = \"queue\" is not a policy", "\"allow\", \"skip\", \"buffer_one\""]),
        ("overlapp = \"skip\"", 3, ["Unknown key 'overlapp' in [schedules]", "Did you mean 'overlap'?"]),
        ("jitter = \"a bit\"", 3, ["jitter = \"a bit\" is not a duration", "jitter = \"30 seconds\""]),
        ("catch_up_window = \"0 seconds\"", 3, ["not a duration longer than zero"]),
        ("paused = \"yes\"", 3, ["paused must be true or false", "paused = true"]),
        ("params = \"region=eu\"", 3, ["params must be a table", "params = { region = \"eu\" }"]),
        ("params = { schedule = \"x\" }", 3, ["params.schedule is set by Cairn on every tick", "Rename the param"]),
        ("cron = 5", 3, ["cron must be a string", "cron = \"0 3 * * *\""]),
        ("params = { ratio = nan }", 3, ["params.ratio holds nan or inf"]),
        ("params = { deep = { limit = inf } }", 3, ["params.deep holds nan or inf"]),
        ("timezone = \"GMT+5\"", 3, ["its sign is ambiguous", "Etc/GMT-5"]),
        ("catch_up = \"all\"\nmax_catch_up = 1000", 4, ["max_catch_up = 1000 is more than 999", "cairn schedules backfill"]),
    ] as [(String, Int, [String])])
    func badValuesAreRefusedOnTheirLineWithAHint(extra: String, line: Int, mentions: [String]) throws {
        var keys = ["[[schedules]]", "name = \"nightly\"", extra]
        let given = Set(extra.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) })
        if !given.contains("cron") { keys.append("cron = \"0 3 * * *\"") }
        keys.append("workflow = \"seed\"")
        let error = try #require(throws: ConfigError.self) { try ConfigLoader.parse(keys.joined(separator: "\n") + "\n", source: "x.toml") }
        #expect(error.description.hasPrefix("x.toml:\(line): "), "\(error)")
        #expect(error.description.contains("Schedule \"nightly\"") || error.description.contains("[schedules]"), "\(error)")
        for text in mentions { #expect(error.description.contains(text), "\(text) missing in: \(error)") }
    }

    @Test(arguments: [
        ("[[schedules]]\ncron = \"@daily\"\nworkflow = \"w\"\n", 1, "has no name. Add name = \"nightly-report\""),
        ("[[schedules]]\nname = \"bad name\"\ncron = \"@daily\"\nworkflow = \"w\"\n", 2, "use 1 to 64 letters, digits"),
        ("[[schedules]]\nname = \"a\"\nworkflow = \"w\"\n", 1, "has no cron expression. Add e.g. cron = \"0 3 * * *\""),
        ("[[schedules]]\nname = \"a\"\ncron = \"@daily\"\n", 1, "has no workflow. Add workflow ="),
        ("schedules = 3\n", 1, "must be an array of tables ([[schedules]])"),
    ] as [(String, Int, String)])
    func missingOrMisshapenEntriesAreRefused(text: String, line: Int, mentions: String) throws {
        let error = try #require(throws: ConfigError.self) { try ConfigLoader.parse(text, source: "x.toml") }
        #expect(error.line == line, "\(error)")
        #expect(error.description.contains(mentions), "\(error)")
    }

    @Test func aDuplicateNameIsRefusedOnTheSecondEntry() throws {
        let text = "[[schedules]]\nname = \"nightly\"\ncron = \"@daily\"\nworkflow = \"w\"\n\n[[schedules]]\nname = \"nightly\"\ncron = \"@hourly\"\nworkflow = \"w\"\n"
        let error = try #require(throws: ConfigError.self) { try ConfigLoader.parse(text, source: "x.toml") }
        #expect(error.line == 7)
        #expect(error.description.contains("Duplicate schedule name \"nightly\" (first defined at line 2)"), "\(error)")
        #expect(error.description.contains("Give each schedule its own name"))
    }

    @Test func aScheduleForAWorkflowTheApplianceDoesNotServeIsRefusedOnItsWorkflowLine() throws {
        let text = config("[[schedules]]\nname = \"nightly\"\ncron = \"@daily\"\nworkflow = \"reprot\"\n")
        let error = try #require(throws: ConfigError.self) { try build(text) }
        #expect(error.description.hasPrefix("x.toml:7: "), "\(error)")
        #expect(error.description.contains("Schedule \"nightly\" starts workflow \"reprot\", which this appliance does not serve"), "\(error)")
        #expect(error.description.contains("Known workflows: report, seed"), "\(error)")
    }

    @Test func paramsTheWorkflowRefusesAreRefusedOnTheParamsLine() throws {
        // `seed` takes an optional string `name`.
        let wrongType = config("[[schedules]]\nname = \"nightly\"\ncron = \"@daily\"\nworkflow = \"seed\"\nparams = { name = 5 }\n")
        let error = try #require(throws: ConfigError.self) { try build(wrongType) }
        #expect(error.description.hasPrefix("x.toml:8: "), "\(error)")
        #expect(error.description.contains("Schedule \"nightly\": workflow \"seed\" refuses the params"), "\(error)")
        #expect(error.description.contains("'name' should be a string"), "\(error)")
        #expect(error.description.contains("Fix params"), "\(error)")
        // `report` needs `region`; without params the error sits on the entry's workflow line.
        let missing = config("[[schedules]]\nname = \"nightly\"\ncron = \"@daily\"\nworkflow = \"report\"\n")
        let absent = try #require(throws: ConfigError.self) { try build(missing) }
        #expect(absent.description.hasPrefix("x.toml:7: "), "\(absent)")
        #expect(absent.description.contains("the key 'region' is required but missing"), "\(absent)")
    }

    @Test func paramsAreCheckedTogetherWithTheFieldsEachTickAdds() throws {
        // `report` decodes `scheduledTime` as a Date and `schedule` as a String: both come from the tick.
        let text = config("[[schedules]]\nname = \"nightly\"\ncron = \"@daily\"\nworkflow = \"report\"\n[schedules.params]\nregion = \"eu\"\n")
        let appliance = try build(text)
        #expect(appliance.config.schedules.map(\.name) == ["nightly"])
    }

    @Test func aRefusalInAParamsSectionPointsAtThatSection() throws {
        // `[schedules.params]` belongs to the last `[[schedules]]`; a refusal points into it.
        let text = config("[[schedules]]\nname = \"a\"\ncron = \"@daily\"\nworkflow = \"seed\"\n\n[[schedules]]\nname = \"b\"\ncron = \"@daily\"\nworkflow = \"seed\"\n[schedules.params]\nname = [1]\n")
        let error = try #require(throws: ConfigError.self) { try build(text) }
        #expect(error.description.hasPrefix("x.toml:13: "), "\(error)")
        #expect(error.description.contains("Schedule \"b\""), "\(error)")
    }

    @Test func anExpressionThatNeverFiresIsRefusedOnItsCronLine() throws {
        let error = try #require(throws: ConfigError.self) {
            try build(config("[[schedules]]\nname = \"never\"\ncron = \"0 0 30 2 *\"\nworkflow = \"seed\"\n"))
        }
        #expect(error.description.contains("never fires"), "\(error)")
        #expect(error.line != nil)
    }

    @Test func paramsLargerThanThePayloadLimitAreRefused() throws {
        let big = String(repeating: "x", count: 2_000_000)
        let error = try #require(throws: ConfigError.self) {
            try build(config("[[schedules]]\nname = \"big\"\ncron = \"@daily\"\nworkflow = \"seed\"\nparams = { blob = \"\(big)\" }\n"))
        }
        #expect(error.description.contains("engine.max_payload_bytes"), "\(error.description.prefix(300))")
    }
}
