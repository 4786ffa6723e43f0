import CairnTesting
import Foundation
import Testing

/// Cron schedules in the real `cairn serve`, on real time: the API and CLI surfaces, and a
/// SIGKILL right after a tick's commit that leaves neither a duplicate nor a gap.
@Suite struct CronScheduleTests {
    private static func config(_ directory: String) -> String {
        ServeProcess.seedConfig(directory: directory, pause: "1 second", extra: """

            [[schedules]]
            name = "minutely"
            cron = "* * * * *"
            workflow = "my-workflow"
            catch_up = "all"
            params = { name = "cron" }

            [[schedules]]
            name = "nightly"
            cron = "0 3 * * *"
            timezone = "Europe/Berlin"
            workflow = "my-workflow"
            paused = true
            """)
    }

    @Test func schedulesAreListedPausedTriggeredAndBackfilledThroughAPIAndCLI() async throws {
        let serve = try await ServeProcess(config: Self.config)
        defer { serve.stop() }
        let list = try await serve.request("GET", "/schedules")
        #expect(list.status == 200)
        let schedules = try #require(list.json["schedules"] as? [[String: Any]])
        #expect(schedules.map { $0["name"] as? String } == ["minutely", "nightly"])
        #expect(schedules[1]["paused"] as? Bool == true && schedules[1]["paused_by"] as? String == "config")
        #expect(schedules[0]["next_tick"] is String && schedules[1]["next_tick"] is NSNull)

        #expect(try await serve.request("GET", "/schedules/nope").status == 404)
        #expect(try await serve.request("PATCH", "/schedules/nightly", body: #"{"paused": "no"}"#).status == 400)
        #expect(try await serve.request("GET", "/schedules", token: "wrong-token-0000000").status == 401)

        let resumed = try await serve.request("PATCH", "/schedules/nightly", body: #"{"paused": false}"#)
        #expect(resumed.status == 200 && resumed.json["paused"] as? Bool == false)
        #expect(resumed.json["next_tick"] as? String != nil)

        // Refusals: a body on run-now, a dry_run that is not a boolean, a hand-made tick ID.
        #expect(try await serve.request("POST", "/schedules/nightly/trigger", body: #"{"params": {"name": "x"}}"#).status == 400)
        let sloppy = try await serve.request("POST", "/schedules/nightly/backfill", body: #"{"from": "2026-11-20T00:00:00Z", "to": "2026-11-21T00:00:00Z", "dry_run": "yes"}"#)
        #expect(sloppy.status == 400)
        let impossible = try await serve.request("POST", "/schedules/nightly/backfill", body: #"{"from": "2026-02-30T00:00:00Z", "to": "2026-03-02T00:00:00Z"}"#)
        #expect(impossible.status == 400 && impossible.errorMessage.contains("'from' must be an RFC 3339 time"))
        let hijack = try await serve.request("POST", "/workflows/my-workflow/instances", body: #"{"id": "cron-nightly-20991231T0200Z"}"#)
        #expect(hijack.status == 422 && hijack.errorMessage.contains("reserved for schedules, webhooks and file drops"))
        #expect(try await serve.sqlite("SELECT COUNT(*) FROM instances WHERE id = 'cron-nightly-20991231T0200Z'") == "0")

        let run = try await serve.request("POST", "/schedules/nightly/trigger")
        #expect(run.status == 201)
        let id = try #require(run.json["instance_id"] as? String)
        let done = try await serve.waitForInstance("my-workflow", id) { $0["status"] as? String == "complete" }
        #expect(done["trigger_source"] as? String == "cron")

        let connection = ["--url", serve.baseURL, "--config", serve.configPath]
        let cli = try await CLI.run(["schedules", "list"] + connection, in: serve.directory.path)
        #expect(cli.code == 0, "\(cli.err)")
        #expect(cli.out.contains("nightly") && cli.out.contains("0 3 * * *") && cli.out.contains("Europe/Berlin"))
        let pause = try await CLI.run(["schedules", "pause", "nightly", "--json"] + connection, in: serve.directory.path)
        #expect(pause.code == 0)
        #expect(pause.out.contains(#""paused_by" : "api""#))
        let unknown = try await CLI.run(["schedules", "describe", "nope"] + connection, in: serve.directory.path)
        #expect(unknown.code == 1 && unknown.err.contains("No schedule named 'nope'"))

        // Backfill two past 03:00 Berlin ticks (02:00Z in November); a second backfill of the
        // same window creates nothing.
        let (from, to) = ("2026-11-20T00:00:00Z", "2026-11-21T23:59:00Z")
        let first = try await CLI.run(["schedules", "backfill", "nightly", "--from", from, "--to", to, "--json"] + connection, in: serve.directory.path)
        #expect(first.code == 0, "\(first.err)")
        let created = try #require((try JSONSerialization.jsonObject(with: Data(first.out.utf8)) as? [String: Any])?["ticks"] as? [[String: Any]])
        #expect(created.map { $0["instance_id"] as? String } == ["cron-nightly-20261120T0200Z", "cron-nightly-20261121T0200Z"])
        #expect(created.allSatisfy { $0["created"] as? Bool == true })
        #expect(first.err.isEmpty, "no progress output in a pipe: \(first.err)")
        let again = try await CLI.run(["schedules", "backfill", "nightly", "--from", from, "--to", to] + connection, in: serve.directory.path)
        #expect(again.code == 0 && again.out.contains("2 ticks, 0 created, 2 existed already."))
    }

    @Test func sigkillAfterATickCommitsLeavesNeitherADuplicateNorAGap() async throws {
        let serve = try await ServeProcess(config: Self.config)
        defer { serve.stop() }
        // The first tick (at the next minute boundary) fires; kill the process right after.
        let first = try await Poll.value("the first tick fired", timeout: .seconds(90), every: .milliseconds(20)) { () -> String? in
            let schedule = try await serve.request("GET", "/schedules/minutely").json["schedule"] as? [String: Any]
            return schedule?["last_outcome"] as? String == "fired" ? schedule?["last_tick"] as? String : nil
        }
        serve.signal(SIGKILL)
        _ = try await serve.waitForExit()
        // Stay down across the next tick, then restart: catch_up = "all" fires the missed one.
        let firstTick = try #require(ISO8601DateFormatter.withFractions.date(from: first))
        let second = firstTick.addingTimeInterval(60)
        try await Task.sleep(for: .seconds(max(0, second.timeIntervalSinceNow + 2)))
        try await serve.start()
        try await Poll.until("the tick missed while down fired", timeout: .seconds(30)) {
            let ticks = try await serve.request("GET", "/schedules/minutely").json["ticks"] as? [[String: Any]] ?? []
            return ticks.contains { $0["tick"] as? String == ISO8601DateFormatter.withFractions.string(from: second) && $0["outcome"] as? String == "fired" }
        }
        let ticks = try #require(try await serve.request("GET", "/schedules/minutely").json["ticks"] as? [[String: Any]])
        let times = ticks.compactMap { ($0["tick"] as? String).flatMap(ISO8601DateFormatter.withFractions.date(from:)) }.sorted()
        // Every minute from the first tick on is in the ledger once, and fired.
        #expect(times.first == firstTick)
        #expect(zip(times, times.dropFirst()).allSatisfy { $1.timeIntervalSince($0) == 60 })
        #expect(ticks.allSatisfy { $0["outcome"] as? String == "fired" })
        let instances = try serve.sqlite("SELECT COUNT(*) FROM instances WHERE trigger = 'cron'")
        let distinct = try serve.sqlite("SELECT COUNT(DISTINCT id) FROM instances WHERE trigger = 'cron'")
        #expect(instances == "\(times.count)" && distinct == instances)
    }
}

extension ISO8601DateFormatter {
    static var withFractions: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
