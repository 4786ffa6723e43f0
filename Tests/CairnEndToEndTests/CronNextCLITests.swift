import CairnTesting
import Foundation
import Testing

/// `cairn cron next` through the real binary: nothing but timestamps on stdout, offsets with
/// `--tz`, a note after a fire a DST gap moved, and usage errors that name the field.
@Suite struct CronNextCLITests {
    @Test func printsOneUTCTimestampPerLineAndNothingElse() async throws {
        let result = try await CLI.run(["cron", "next", "*/15 9-17 * * MON-FRI", "--after", "2026-11-27T16:50:00Z", "-n", "4"])
        #expect(result.code == 0, "\(result.err)")
        #expect(result.err.isEmpty, "\(result.err)")
        // Friday 2026-11-27 ends at 17:45; the next fires are on Monday the 30th.
        #expect(result.out == "2026-11-27T17:00:00Z\n2026-11-27T17:15:00Z\n2026-11-27T17:30:00Z\n2026-11-27T17:45:00Z\n")
        let monday = try await CLI.run(["cron", "next", "*/15 9-17 * * 1-5", "--after", "2026-11-27T17:45:00Z", "-n", "1"])
        #expect(monday.out == "2026-11-30T09:00:00Z\n")
    }

    @Test func theZoneSetsTheOffsetAndTheAfterTimeMayCarryOne() async throws {
        // 09:00 in New York is 14:00Z in winter (EST, -05:00) and 13:00Z in summer (EDT, -04:00).
        let winter = try await CLI.run(["cron", "next", "0 9 * * *", "--tz", "America/New_York", "--after", "2026-03-06T12:00:00-05:00", "-n", "3"])
        #expect(winter.code == 0, "\(winter.err)")
        #expect(winter.out == "2026-03-07T09:00:00-05:00\n2026-03-08T09:00:00-04:00\n2026-03-09T09:00:00-04:00\n")
        let berlin = try await CLI.run(["cron", "next", "@daily", "--tz", "Europe/Berlin", "--after", "2026-10-24T12:00:00Z", "-n", "2"])
        #expect(berlin.out == "2026-10-25T00:00:00+02:00\n2026-10-26T00:00:00+01:00\n")
    }

    @Test func aFireMovedByTheSpringGapCarriesANoteAfterTwoSpaces() async throws {
        let result = try await CLI.run(["cron", "next", "30 2 * * *", "--tz", "America/New_York", "--after", "2026-03-07T00:00:00Z", "-n", "3"])
        #expect(result.code == 0, "\(result.err)")
        let lines = result.out.split(separator: "\n").map(String.init)
        #expect(lines == [
            "2026-03-07T02:30:00-05:00",
            "2026-03-08T03:00:00-04:00  (moved: 02:30 does not exist on 2026-03-08, DST gap)",
            "2026-03-09T02:30:00-04:00",
        ])
        // `cut -d' ' -f1` still yields the timestamps.
        #expect(lines.map { String($0.split(separator: " ")[0]) } == ["2026-03-07T02:30:00-05:00", "2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00"])
    }

    @Test func theRepeatedAutumnHourFiresOnceForAFixedHourAndTwiceForAWildcard() async throws {
        let fixed = try await CLI.run(["cron", "next", "30 1 * * *", "--tz", "America/New_York", "--after", "2026-10-31T12:00:00Z", "-n", "2"])
        #expect(fixed.out == "2026-11-01T01:30:00-04:00\n2026-11-02T01:30:00-05:00\n")
        let wildcard = try await CLI.run(["cron", "next", "30 * * * *", "--tz", "America/New_York", "--after", "2026-11-01T04:45:00Z", "-n", "3"])
        #expect(wildcard.out == "2026-11-01T01:30:00-04:00\n2026-11-01T01:30:00-05:00\n2026-11-01T02:30:00-05:00\n")
    }

    @Test func jsonListsLocalAndUTCTimesAndTheSkippedLocalTime() async throws {
        let result = try await CLI.run(["cron", "next", "30 2 * * *", "--tz", "America/New_York", "--after", "2026-03-08T00:00:00Z", "-n", "1", "--json"])
        #expect(result.code == 0, "\(result.err)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        #expect(object["expression"] as? String == "30 2 * * *")
        #expect(object["timezone"] as? String == "America/New_York")
        let fire = try #require((object["fires"] as? [[String: Any]])?.first)
        #expect(fire["time"] as? String == "2026-03-08T03:00:00-04:00")
        #expect(fire["utc"] as? String == "2026-03-08T07:00:00Z")
        #expect(fire["moved_by_dst_gap"] as? Bool == true)
        #expect(fire["skipped_local_time"] as? String == "2026-03-08T02:30:00")
    }

    @Test func aBadExpressionExitsTwoNamingTheField() async throws {
        let result = try await CLI.run(["cron", "next", "0 0 32 * *"])
        #expect(result.code == 2)
        #expect(result.out.isEmpty)
        #expect(result.err.contains("field 3 (day of month): 32 is out of range 1-31"), "\(result.err)")
        #expect(result.err.contains("position 5"), "\(result.err)")
    }

    @Test(arguments: [
        (["cron", "next", "@daily", "--tz", "Mars/Olympus_Mons"], "is not a time zone"),
        (["cron", "next", "@daily", "--tz", "new_york"], "Did you mean \"America/New_York\"?"),
        (["cron", "next", "@daily", "--after", "2026-11-25T13:07:00"], "write e.g. 2026-11-25T13:07:00Z"),
        (["cron", "next", "@daily", "-n", "0"], "1 to 1000"),
        (["cron", "next", "@daily", "-n", "1001"], "1 to 1000"),
    ])
    func badOptionsExitTwoWithAHint(arguments: [String], mentions: String) async throws {
        let result = try await CLI.run(arguments)
        #expect(result.code == 2, "\(result.err)")
        #expect(result.out.isEmpty)
        #expect(result.err.contains(mentions), "\(result.err)")
    }

    @Test func anExpressionThatNeverFiresExitsOne() async throws {
        let result = try await CLI.run(["cron", "next", "0 0 30 2 *"])
        #expect(result.code == 1)
        #expect(result.out.isEmpty)
        #expect(result.err.contains("never fires"), "\(result.err)")
    }

    @Test func itNeedsNoConfigFile() async throws {
        let directory = try TemporaryDirectory(prefix: "cairn-cron")
        defer { directory.remove() }
        let result = try await CLI.run(["cron", "next", "@hourly", "-n", "2"], in: directory.path, environment: ["CAIRN_CONFIG": directory.file("missing.toml")])
        #expect(result.code == 0, "\(result.err)")
        #expect(result.out.split(separator: "\n").allSatisfy { $0.hasSuffix(":00:00Z") })
    }
}
