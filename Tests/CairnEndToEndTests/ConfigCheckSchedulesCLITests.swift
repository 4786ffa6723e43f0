import CairnTesting
import Foundation
import Testing

/// `cairn config check` shows the schedules with their next fire time, and `--json` prints
/// the whole resolved config with secrets redacted.
@Suite struct ConfigCheckSchedulesCLITests {
    static let config = """
    [auth]
    token = "s3cret-token-that-is-long-enough"

    [[workflows]]
    name = "seed"
    type = "seed-example"
    [workflows.options]
    source = "etc/sample-ips.json"

    [[schedules]]
    name = "nightly"
    cron = "30 2 * * *"
    workflow = "seed"
    timezone = "America/New_York"
    paused = true
    catch_up = "all"
    overlap = "skip"
    jitter = "30 seconds"
    params = { name = "night", api_key = "hidden-param-value" }

    [[schedules]]
    name = "hourly"
    cron = "@hourly"
    workflow = "seed"

    """

    @Test func theTextReportListsEachScheduleWithItsNextFireTime() async throws {
        let directory = try TemporaryDirectory(prefix: "cairn-cron")
        defer { directory.remove() }
        try Self.config.write(toFile: directory.file("cairn.toml"), atomically: true, encoding: .utf8)
        let result = try await CLI.run(["config", "check", "--config", directory.file("cairn.toml")], in: directory.path)
        #expect(result.code == 0, "\(result.err)")
        #expect(!result.out.contains("hidden-param-value"))
        #expect(!result.out.contains("s3cret-token"))
        let lines = result.out.split(separator: "\n").map(String.init)
        let header = try #require(lines.firstIndex(of: "schedules:"))
        #expect(lines[header + 1].hasPrefix("  NAME"))
        let nightly = try #require(lines.first { $0.hasPrefix("  nightly ") })
        for text in ["30 2 * * *", "America/New_York", "seed", "all (at most 10)", "skip", "30 seconds", "yes", "\"api_key\":\"[redacted]\"", "\"name\":\"night\""] {
            #expect(nightly.contains(text), "\(text) missing in: \(nightly)")
        }
        #expect(nightly.contains(":30:00-0") || nightly.contains("T03:00:00-04:00"), "next fire in New York time: \(nightly)")
        let hourly = try #require(lines.first { $0.hasPrefix("  hourly ") })
        #expect(hourly.contains("latest (within 1 period, max 24 hours)") && hourly.contains(":00:00Z"), "\(hourly)")
    }

    @Test func jsonHoldsTheWholeResolvedConfigWithSecretsRedacted() async throws {
        let directory = try TemporaryDirectory(prefix: "cairn-cron")
        defer { directory.remove() }
        try Self.config.write(toFile: directory.file("cairn.toml"), atomically: true, encoding: .utf8)
        let result = try await CLI.run(["config", "check", "--json", "--config", directory.file("cairn.toml")], in: directory.path)
        #expect(result.code == 0, "\(result.err)")
        #expect(!result.out.contains("hidden-param-value"))
        #expect(!result.out.contains("s3cret-token"))
        let root = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        #expect((root["server"] as? [String: Any])?["port"] as? Int == 8787)
        #expect((root["auth"] as? [String: Any])?["source"] as? String == "config")
        #expect((root["storage"] as? [String: Any])?["path"] as? String == "\(directory.path)/var/cairn.sqlite")
        let workflows = try #require(root["workflows"] as? [[String: Any]])
        #expect(workflows.first?["name"] as? String == "seed")
        let schedules = try #require(root["schedules"] as? [[String: Any]])
        try #require(schedules.count == 2)
        let nightly = schedules[0]
        #expect(nightly["name"] as? String == "nightly")
        #expect(nightly["timezone"] as? String == "America/New_York")
        #expect(nightly["paused"] as? Bool == true)
        #expect(nightly["overlap"] as? String == "skip")
        #expect(nightly["jitter_ms"] as? Int == 30_000)
        #expect(nightly["line"] as? Int == 10)
        #expect((nightly["catch_up"] as? [String: Any])?["policy"] as? String == "all")
        #expect((nightly["catch_up"] as? [String: Any])?["max"] as? Int == 10)
        #expect((nightly["params"] as? [String: Any])?["api_key"] as? String == "[redacted]")
        #expect((nightly["params"] as? [String: Any])?["name"] as? String == "night")
        #expect((nightly["next_fire"] as? String)?.hasSuffix("-04:00") == true || (nightly["next_fire"] as? String)?.hasSuffix("-05:00") == true)
        #expect((schedules[1]["catch_up"] as? [String: Any])?["window_ms"] is NSNull)
        #expect((schedules[1]["next_fire"] as? String)?.hasSuffix(":00:00Z") == true)
    }

    @Test func aScheduleForAnUnknownWorkflowFailsTheCheckWithItsLine() async throws {
        let directory = try TemporaryDirectory(prefix: "cairn-cron")
        defer { directory.remove() }
        try Self.config.replacingOccurrences(of: "workflow = \"seed\"\ntimezone", with: "workflow = \"sed\"\ntimezone")
            .write(toFile: directory.file("cairn.toml"), atomically: true, encoding: .utf8)
        for command in [["config", "check"], ["serve"]] {
            let result = try await CLI.run(command + ["--config", directory.file("cairn.toml")], in: directory.path)
            #expect(result.code == 2, "\(command): \(result.err)")
            #expect(result.err.contains("cairn.toml:13: Schedule \"nightly\" starts workflow \"sed\""), "\(result.err)")
            #expect(result.err.contains("Known workflows: seed"), "\(result.err)")
        }
        #expect(!FileManager.default.fileExists(atPath: directory.file("var")))
    }
}
