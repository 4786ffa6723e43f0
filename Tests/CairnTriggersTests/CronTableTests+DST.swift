import CairnTriggers
import Foundation
import Testing

/// Fire times across DST transitions, checked against calendar-derived tables (see
/// `CronTableCase` for how the rows were computed and what the `gap`/`any` suffixes mean).
///
/// The rule under test is Vixie cron's: an hour field containing `*` or `/` follows absolute
/// time (every real instant whose wall-clock time matches: both occurrences of a repeated hour,
/// nothing in a skipped one); a fixed hour fires once per nominal local time, at the first
/// occurrence of a repeated time, and at the first valid minute after a skipped one.
@Suite struct CronDSTTableTests {

    // New York 2026-03-08: 02:00 EST (07:00Z) jumps to 03:00 EDT, so 02:00-02:59 does not exist.
    // Fixed hour: every nominal time in the gap fires once at 03:00 EDT = 07:00Z with
    // movedByGap; before the gap EST is UTC-5 (01:59 = 06:59Z), after it EDT is UTC-4
    // (02:30 = 06:30Z). 2026-03-08 is a Sunday; 2027-03-08 is still EST (DST starts Mar 14),
    // so 02:30 is 07:30Z. '0 2,3' also matches 03:00 itself: one fire, flag not asserted.
    // Hour '*' or stepped: absolute time, so local 02:xx simply never happens that day.
    static let newYorkSpringForwardRows: [CronTableCase] = [
        .init("30 2 * * *", "America/New_York", "2026-03-07T12:00:00Z", ["2026-03-08T07:00:00Z gap", "2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z"]),
        .init("30 2 * * *", "America/New_York", "2026-03-08T06:59:00Z", ["2026-03-08T07:00:00Z gap"]),
        .init("30 2 * * *", "America/New_York", "2026-03-08T07:00:00Z", ["2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z"]),
        .init("0 2 * * *", "America/New_York", "2026-03-07T12:00:00Z", ["2026-03-08T07:00:00Z gap", "2026-03-09T06:00:00Z"]),
        .init("0,30 2 * * *", "America/New_York", "2026-03-07T12:00:00Z", ["2026-03-08T07:00:00Z gap", "2026-03-09T06:00:00Z", "2026-03-09T06:30:00Z"]),
        .init("*/20 2 * * *", "America/New_York", "2026-03-07T12:00:00Z", ["2026-03-08T07:00:00Z gap", "2026-03-09T06:00:00Z", "2026-03-09T06:20:00Z", "2026-03-09T06:40:00Z"]),
        .init("0 2,3 * * *", "America/New_York", "2026-03-07T12:00:00Z", ["2026-03-08T07:00:00Z any", "2026-03-09T06:00:00Z", "2026-03-09T07:00:00Z"]),
        .init("0 1,2 * * *", "America/New_York", "2026-03-08T00:00:00Z", ["2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z gap", "2026-03-09T05:00:00Z"]),
        .init("59 1 * * *", "America/New_York", "2026-03-07T12:00:00Z", ["2026-03-08T06:59:00Z", "2026-03-09T05:59:00Z"]),
        .init("0 3 * * *", "America/New_York", "2026-03-07T12:00:00Z", ["2026-03-08T07:00:00Z", "2026-03-09T07:00:00Z"]),
        .init("30 2 * * SUN", "America/New_York", "2026-03-07T12:00:00Z", ["2026-03-08T07:00:00Z gap", "2026-03-15T06:30:00Z"]),
        .init("30 2 8 3 *", "America/New_York", "2026-03-01T00:00:00Z", ["2026-03-08T07:00:00Z gap", "2027-03-08T07:30:00Z"]),
        .init("0 9-17 * * *", "America/New_York", "2026-03-07T16:30:00Z", ["2026-03-07T17:00:00Z", "2026-03-07T18:00:00Z", "2026-03-07T19:00:00Z"]),
        .init("30 * * * *", "America/New_York", "2026-03-08T05:00:00Z", ["2026-03-08T05:30:00Z", "2026-03-08T06:30:00Z", "2026-03-08T07:30:00Z", "2026-03-08T08:30:00Z"]),
        .init("0 */2 * * *", "America/New_York", "2026-03-08T04:00:00Z", ["2026-03-08T05:00:00Z", "2026-03-08T08:00:00Z", "2026-03-08T10:00:00Z"]),
        .init("0 0-23/3 * * *", "America/New_York", "2026-03-08T04:00:00Z", ["2026-03-08T05:00:00Z", "2026-03-08T07:00:00Z", "2026-03-08T10:00:00Z"]),
        .init("*/30 * * * *", "America/New_York", "2026-03-08T06:00:00Z", ["2026-03-08T06:30:00Z", "2026-03-08T07:00:00Z", "2026-03-08T07:30:00Z"]),
        .init("@daily", "America/New_York", "2026-03-07T12:00:00Z", ["2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z"]),
    ]

    // New York 2026-11-01 (a Sunday): 02:00 EDT (06:00Z) falls back to 01:00 EST, so local
    // 01:00-01:59 happens twice, at 05:xxZ (EDT, UTC-4) and 06:xxZ (EST, UTC-5). Fixed hour: only
    // the first, EDT occurrence fires, even when `after` lies between the two; 02:00 exists once
    // (EST, 07:00Z). Hour '*' or stepped: both occurrences fire.
    static let newYorkFallBackRows: [CronTableCase] = [
        .init("30 1 * * *", "America/New_York", "2026-10-31T12:00:00Z", ["2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z", "2026-11-03T06:30:00Z"]),
        .init("30 1 * * *", "America/New_York", "2026-11-01T05:30:00Z", ["2026-11-02T06:30:00Z"]),
        .init("30 1 * * *", "America/New_York", "2026-11-01T05:45:00Z", ["2026-11-02T06:30:00Z"]),
        .init("0,30 1 * * *", "America/New_York", "2026-10-31T12:00:00Z", ["2026-11-01T05:00:00Z", "2026-11-01T05:30:00Z", "2026-11-02T06:00:00Z"]),
        .init("* 1 * * *", "America/New_York", "2026-11-01T05:57:00Z", ["2026-11-01T05:58:00Z", "2026-11-01T05:59:00Z", "2026-11-02T06:00:00Z", "2026-11-02T06:01:00Z", "2026-11-02T06:02:00Z"]),
        .init("0 1-2 * * *", "America/New_York", "2026-10-31T12:00:00Z", ["2026-11-01T05:00:00Z", "2026-11-01T07:00:00Z", "2026-11-02T06:00:00Z"]),
        .init("0 2 * * *", "America/New_York", "2026-10-31T12:00:00Z", ["2026-11-01T07:00:00Z", "2026-11-02T07:00:00Z"]),
        .init("15 1 * * SUN", "America/New_York", "2026-10-31T12:00:00Z", ["2026-11-01T05:15:00Z", "2026-11-08T06:15:00Z"]),
        .init("30 * * * *", "America/New_York", "2026-11-01T04:00:00Z", ["2026-11-01T04:30:00Z", "2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z", "2026-11-01T07:30:00Z"]),
        .init("15 * * * *", "America/New_York", "2026-11-01T05:00:00Z", ["2026-11-01T05:15:00Z", "2026-11-01T06:15:00Z", "2026-11-01T07:15:00Z"]),
        .init("0 */1 * * *", "America/New_York", "2026-11-01T03:30:00Z", ["2026-11-01T04:00:00Z", "2026-11-01T05:00:00Z", "2026-11-01T06:00:00Z", "2026-11-01T07:00:00Z"]),
        .init("0 0-4/2 * * *", "America/New_York", "2026-11-01T03:00:00Z", ["2026-11-01T04:00:00Z", "2026-11-01T07:00:00Z", "2026-11-01T09:00:00Z"]),
        .init("* * * * *", "America/New_York", "2026-11-01T05:58:00Z", ["2026-11-01T05:59:00Z", "2026-11-01T06:00:00Z", "2026-11-01T06:01:00Z"]),
        .init("@hourly", "America/New_York", "2026-11-01T04:30:00Z", ["2026-11-01T05:00:00Z", "2026-11-01T06:00:00Z", "2026-11-01T07:00:00Z"]),
    ]

    // Berlin 2026-03-29 (a Sunday): 02:00 CET (01:00Z) jumps to 03:00 CEST, so 02:00-02:59 does
    // not exist. Fixed hour moves into 03:00 CEST = 01:00Z with movedByGap; afterwards CEST is
    // UTC+2, so 02:30 on the 30th is 00:30Z and 01:00 on the 30th is 23:00Z on the 29th.
    // Hour '*' or stepped skips the missing hour: 01:30 CET = 00:30Z, then 03:30 CEST = 01:30Z.
    static let berlinSpringForwardRows: [CronTableCase] = [
        .init("30 2 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", ["2026-03-29T01:00:00Z gap", "2026-03-30T00:30:00Z", "2026-03-31T00:30:00Z"]),
        .init("0 2 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", ["2026-03-29T01:00:00Z gap"]),
        .init("45 2 * * SUN", "Europe/Berlin", "2026-03-28T12:00:00Z", ["2026-03-29T01:00:00Z gap", "2026-04-05T00:45:00Z"]),
        .init("0 1,2,3 * * *", "Europe/Berlin", "2026-03-28T23:30:00Z", ["2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z any", "2026-03-29T23:00:00Z", "2026-03-30T00:00:00Z", "2026-03-30T01:00:00Z"]),
        .init("*/15 2 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", ["2026-03-29T01:00:00Z gap", "2026-03-30T00:00:00Z", "2026-03-30T00:15:00Z"]),
        .init("30 * * * *", "Europe/Berlin", "2026-03-28T23:00:00Z", ["2026-03-28T23:30:00Z", "2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z", "2026-03-29T02:30:00Z"]),
        .init("0 */2 * * *", "Europe/Berlin", "2026-03-28T22:00:00Z", ["2026-03-28T23:00:00Z", "2026-03-29T02:00:00Z"]),
        .init("0 2-23/3 * * *", "Europe/Berlin", "2026-03-28T22:00:00Z", ["2026-03-29T03:00:00Z", "2026-03-29T06:00:00Z"]),
    ]

    // Berlin 2026-10-25 (a Sunday): 03:00 CEST (01:00Z) falls back to 02:00 CET, so local
    // 02:00-02:59 happens at 00:xxZ (CEST) and again at 01:xxZ (CET). Fixed hour fires only at
    // the CEST occurrence; 03:00 exists once (CET, 02:00Z); from the 26th 02:30 CET is 01:30Z.
    // Hour '*' or stepped fires at both.
    static let berlinFallBackRows: [CronTableCase] = [
        .init("30 2 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z", ["2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"]),
        .init("30 2 * * *", "Europe/Berlin", "2026-10-25T00:30:00Z", ["2026-10-26T01:30:00Z"]),
        .init("*/30 2 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z", ["2026-10-25T00:00:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:00:00Z", "2026-10-26T01:30:00Z"]),
        .init("0 3 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z", ["2026-10-25T02:00:00Z", "2026-10-26T02:00:00Z"]),
        .init("0 2 25 10 *", "Europe/Berlin", "2026-10-01T00:00:00Z", ["2026-10-25T00:00:00Z", "2027-10-25T00:00:00Z"]),
        .init("30 * * * *", "Europe/Berlin", "2026-10-24T23:00:00Z", ["2026-10-24T23:30:00Z", "2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z", "2026-10-25T02:30:00Z"]),
        .init("0 */2 * * *", "Europe/Berlin", "2026-10-24T21:00:00Z", ["2026-10-24T22:00:00Z", "2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z", "2026-10-25T03:00:00Z"]),
        .init("0 * * * *", "Europe/Berlin", "2026-10-24T23:30:00Z", ["2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z", "2026-10-25T02:00:00Z", "2026-10-25T03:00:00Z"]),
    ]

    // Lord Howe shifts by 30 minutes. 2026-10-04: 02:00 (+10:30, 15:30Z on the 3rd) jumps to
    // 02:30 (+11), so 02:00-02:29 does not exist: 02:15 moves to 02:30 = 15:30Z, 02:45 exists
    // (15:45Z). 2026-04-05: 02:00 (+11, 15:00Z on the 4th) falls back to 01:30 (+10:30), so
    // 01:30-01:59 happens at 14:30-14:59Z and again at 15:00-15:29Z.
    static let lordHoweHalfHourRows: [CronTableCase] = [
        .init("15 2 * * *", "Australia/Lord_Howe", "2026-10-03T00:00:00Z", ["2026-10-03T15:30:00Z gap", "2026-10-04T15:15:00Z"]),
        .init("45 2 * * *", "Australia/Lord_Howe", "2026-10-03T00:00:00Z", ["2026-10-03T15:45:00Z", "2026-10-04T15:45:00Z"]),
        .init("*/15 * * * *", "Australia/Lord_Howe", "2026-10-03T15:00:00Z", ["2026-10-03T15:15:00Z", "2026-10-03T15:30:00Z", "2026-10-03T15:45:00Z", "2026-10-03T16:00:00Z"]),
        .init("45 1 * * *", "Australia/Lord_Howe", "2026-04-04T00:00:00Z", ["2026-04-04T14:45:00Z", "2026-04-05T15:15:00Z"]),
        .init("45 * * * *", "Australia/Lord_Howe", "2026-04-04T14:00:00Z", ["2026-04-04T14:45:00Z", "2026-04-04T15:15:00Z", "2026-04-04T16:15:00Z"]),
        .init("10 1 * * *", "Australia/Lord_Howe", "2026-04-04T00:00:00Z", ["2026-04-04T14:10:00Z", "2026-04-05T14:40:00Z"]),
    ]

    // Zones that change at midnight, so a whole date starts late or an evening repeats.
    // Santiago 2026-09-06 (a Sunday): 00:00 (-04) jumps to 01:00 (-03) at 04:00Z, so a fixed
    // midnight moves to 01:00 = 04:00Z; on 2027-09-06 (DST began Sept 5) 00:30 is 03:30Z.
    // Santiago 2026-04-05: 00:00 (-03, 03:00Z) falls back to Saturday 23:00 (-04), so Saturday
    // 23:00-23:59 happens at 02:xxZ and 03:xxZ and Sunday 00:00 exists once (04:00Z).
    // Havana 2026-03-08: 00:00 (-05) jumps to 01:00 (-04) at 05:00Z; 2026-11-01: 01:00 (-04,
    // 05:00Z) falls back to 00:00 (-05), so 00:xx happens at 04:xxZ and 05:xxZ.
    // Apia skipped Friday 2011-12-30 entirely (Dec 29 24:00 -10 = Dec 31 00:00 +14 = 10:00Z):
    // a fixed 12:00 on the missing day moves to the first valid minute after it, 10:00Z, and
    // 12:00 +14 on the 31st is 22:00Z on the 30th; a stepped hour just skips the day.
    static let midnightTransitionsRows: [CronTableCase] = [
        .init("0 0 * * *", "America/Santiago", "2026-09-05T12:00:00Z", ["2026-09-06T04:00:00Z gap", "2026-09-07T03:00:00Z"]),
        .init("@daily", "America/Santiago", "2026-09-05T12:00:00Z", ["2026-09-06T04:00:00Z gap", "2026-09-07T03:00:00Z"]),
        .init("0 0 * * SUN", "America/Santiago", "2026-09-05T12:00:00Z", ["2026-09-06T04:00:00Z gap", "2026-09-13T03:00:00Z"]),
        .init("30 0 6 9 *", "America/Santiago", "2026-09-01T00:00:00Z", ["2026-09-06T04:00:00Z gap", "2027-09-06T03:30:00Z"]),
        .init("*/30 * * * *", "America/Santiago", "2026-09-06T03:00:00Z", ["2026-09-06T03:30:00Z", "2026-09-06T04:00:00Z", "2026-09-06T04:30:00Z"]),
        .init("30 23 * * *", "America/Santiago", "2026-04-04T12:00:00Z", ["2026-04-05T02:30:00Z", "2026-04-06T03:30:00Z"]),
        .init("59 23 * * SAT", "America/Santiago", "2026-04-04T12:00:00Z", ["2026-04-05T02:59:00Z", "2026-04-12T03:59:00Z"]),
        .init("0 0 * * SUN", "America/Santiago", "2026-04-04T12:00:00Z", ["2026-04-05T04:00:00Z", "2026-04-12T04:00:00Z"]),
        .init("30 * * * *", "America/Santiago", "2026-04-05T01:00:00Z", ["2026-04-05T01:30:00Z", "2026-04-05T02:30:00Z", "2026-04-05T03:30:00Z", "2026-04-05T04:30:00Z"]),
        .init("0 0 * * *", "America/Havana", "2026-03-07T12:00:00Z", ["2026-03-08T05:00:00Z gap", "2026-03-09T04:00:00Z"]),
        .init("0 0 * * *", "America/Havana", "2026-10-31T12:00:00Z", ["2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z"]),
        .init("0 * * * *", "America/Havana", "2026-11-01T03:30:00Z", ["2026-11-01T04:00:00Z", "2026-11-01T05:00:00Z", "2026-11-01T06:00:00Z"]),
        .init("0 12 * * *", "Pacific/Apia", "2011-12-29T00:00:00Z", ["2011-12-29T22:00:00Z", "2011-12-30T10:00:00Z gap", "2011-12-30T22:00:00Z"]),
        .init("0 */6 * * *", "Pacific/Apia", "2011-12-29T16:00:00Z", ["2011-12-29T22:00:00Z", "2011-12-30T04:00:00Z", "2011-12-30T10:00:00Z", "2011-12-30T16:00:00Z"]),
    ]

    @Test(arguments: CronDSTTableTests.newYorkSpringForwardRows)
    func newYorkSpringForward(_ row: CronTableCase) throws { try row.check() }

    @Test(arguments: CronDSTTableTests.newYorkFallBackRows)
    func newYorkFallBack(_ row: CronTableCase) throws { try row.check() }

    @Test(arguments: CronDSTTableTests.berlinSpringForwardRows)
    func berlinSpringForward(_ row: CronTableCase) throws { try row.check() }

    @Test(arguments: CronDSTTableTests.berlinFallBackRows)
    func berlinFallBack(_ row: CronTableCase) throws { try row.check() }

    @Test(arguments: CronDSTTableTests.lordHoweHalfHourRows)
    func lordHoweHalfHourShift(_ row: CronTableCase) throws { try row.check() }

    @Test(arguments: CronDSTTableTests.midnightTransitionsRows)
    func transitionsAtMidnightAndASkippedDay(_ row: CronTableCase) throws { try row.check() }

    @Test func aFireMovedOutOfTheGapSaysSoAndTheNextDayDoesNot() throws {
        let cron = try CronExpression("30 2 * * *")
        let newYork = try #require(TimeZone(identifier: "America/New_York"))
        let start = try #require(CronTableCase.instant("2026-03-07T12:00:00Z"))
        let moved = try #require(cron.fire(after: start, in: newYork))
        #expect(CronTableCase.text(moved.date) == "2026-03-08T07:00:00Z")
        #expect(moved.movedByGap)
        let following = try #require(cron.fire(after: moved.date, in: newYork))
        #expect(CronTableCase.text(following.date) == "2026-03-09T06:30:00Z")
        #expect(!following.movedByGap)
    }
}
