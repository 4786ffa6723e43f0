import CairnTriggers
import Foundation
import Testing

/// The DST rule as the docs state it (docs/cron.md), one example per sentence.
@Suite struct CronDSTRuleTests {
    let newYork = TimeZone(identifier: "America/New_York")!
    let berlin = TimeZone(identifier: "Europe/Berlin")!

    private func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    private func fires(_ expression: String, _ zone: TimeZone, after: String, count: Int) throws -> [String] {
        let formatter = ISO8601DateFormatter()
        return try CronExpression(expression).fires(after: utc(after), in: zone, count: count)
            .map { formatter.string(from: $0.date) + ($0.movedByGap ? " moved" : "") }
    }

    @Test func aFixedHourInTheSpringGapFiresOnceAtTheEndOfTheGap() throws {
        // 2026-03-08 02:00 EST becomes 03:00 EDT: 02:30 does not exist that day.
        #expect(try fires("30 2 * * *", newYork, after: "2026-03-07T00:00:00Z", count: 3)
            == ["2026-03-07T07:30:00Z", "2026-03-08T07:00:00Z moved", "2026-03-09T06:30:00Z"])
        #expect(try fires("0,30 2 * * *", newYork, after: "2026-03-08T05:00:00Z", count: 2)
            == ["2026-03-08T07:00:00Z moved", "2026-03-09T06:00:00Z"])
    }

    @Test func aFixedHourInTheRepeatedHourFiresOnlyAtTheFirstOccurrence() throws {
        // 2026-11-01 02:00 EDT becomes 01:00 EST: 01:30 happens at 05:30Z and at 06:30Z.
        #expect(try fires("30 1 * * *", newYork, after: "2026-10-31T12:00:00Z", count: 2)
            == ["2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"])
        #expect(try fires("30 1 * * *", newYork, after: "2026-11-01T06:00:00Z", count: 1)
            == ["2026-11-02T06:30:00Z"])
    }

    @Test func aWildcardHourFollowsAbsoluteTime() throws {
        #expect(try fires("30 * * * *", newYork, after: "2026-11-01T04:45:00Z", count: 3)
            == ["2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z", "2026-11-01T07:30:00Z"])
        #expect(try fires("30 * * * *", newYork, after: "2026-03-08T06:00:00Z", count: 2)
            == ["2026-03-08T06:30:00Z", "2026-03-08T07:30:00Z"])
        // Berlin falls back at 01:00Z: 02:00-02:59 local happens twice.
        #expect(try fires("0 */2 * * *", berlin, after: "2026-10-24T23:30:00Z", count: 3)
            == ["2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z", "2026-10-25T03:00:00Z"])
    }
}
