import CairnTriggers
import Foundation
import Testing

/// One row of the cron tables: an expression, a zone, an instant, and the fire instants that
/// must follow it.
///
/// The expected instants were worked out from calendars (Python `datetime`/`zoneinfo` walking
/// local dates, with each expression translated into minute/hour sets and a day predicate by
/// hand), never by running `CronExpression`. Each entry is an ISO-8601 UTC instant; the suffix
/// `" gap"` means the fire was moved out of a DST gap (`movedByGap == true`), `" any"` means the
/// flag is not asserted (the moved time coincides with a nominal fire), no suffix means `false`.
struct CronTableCase: Sendable, CustomTestStringConvertible {
    let expression: String
    let zone: String
    let after: String
    let expected: [String]

    init(_ expression: String, _ zone: String, _ after: String, _ expected: [String]) {
        self.expression = expression
        self.zone = zone
        self.after = after
        self.expected = expected
    }

    var testDescription: String { "\"\(expression)\" in \(zone) after \(after)" }

    static func instant(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    static func text(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// Checks `fires(after:in:count:)`, `next(after:in:)`, `fire(after:in:)` and that asking again
    /// from each expected fire yields the one after it.
    func check() throws {
        let cron = try CronExpression(expression)
        let timeZone = try #require(TimeZone(identifier: zone), "no time zone \(zone)")
        let start = try #require(Self.instant(after))
        let instants = try expected.map { entry in
            try #require(Self.instant(String(entry.prefix(while: { $0 != " " }))), "bad expected instant \(entry)")
        }
        let fires = cron.fires(after: start, in: timeZone, count: expected.count)
        let rendered = fires.enumerated().map { index, fire in
            let flag = index < expected.count && expected[index].hasSuffix(" any") ? " any" : (fire.movedByGap ? " gap" : "")
            return Self.text(fire.date) + flag
        }
        #expect(rendered == expected, "fires of \(testDescription)")
        #expect(cron.next(after: start, in: timeZone) == instants.first, "next of \(testDescription)")
        #expect(cron.fire(after: start, in: timeZone)?.date == instants.first, "fire of \(testDescription)")
        for (earlier, later) in zip(instants, instants.dropFirst()) {
            #expect(cron.next(after: earlier, in: timeZone) == later, "next after \(Self.text(earlier)) of \"\(expression)\"")
        }
    }
}

/// Fire times of every field kind, checked against calendar-derived tables. DST transitions
/// are in `CronDSTTableTests` (CronTableTests+DST.swift).
@Suite struct CronTableTests {

    // Single values, `*` and day-of-week numbers, in UTC. 2026-01-01 is a Thursday, so the first
    // Saturday is the 3rd, the first Sunday the 4th and the first Monday the 5th. Crontab accepts
    // both 0 and 7 for Sunday. A `*` hour follows absolute time; in UTC that makes no difference.
    // After 13:07:30 the next whole minute is 13:08; an instant that is itself a fire time
    // is skipped (strictly after).
    static let plainFieldsRows: [CronTableCase] = [
        .init("* * * * *", "UTC", "2026-01-01T13:07:30Z", ["2026-01-01T13:08:00Z", "2026-01-01T13:09:00Z", "2026-01-01T13:10:00Z"]),
        .init("* * * * *", "UTC", "2026-01-01T13:07:00Z", ["2026-01-01T13:08:00Z", "2026-01-01T13:09:00Z"]),
        .init("* * * * *", "UTC", "2026-12-31T23:59:00Z", ["2027-01-01T00:00:00Z", "2027-01-01T00:01:00Z"]),
        .init("0 * * * *", "UTC", "2026-01-01T13:00:00Z", ["2026-01-01T14:00:00Z", "2026-01-01T15:00:00Z", "2026-01-01T16:00:00Z"]),
        .init("17 * * * *", "UTC", "2026-01-01T13:17:00Z", ["2026-01-01T14:17:00Z", "2026-01-01T15:17:00Z"]),
        .init("5 4 * * *", "UTC", "2026-01-01T04:05:00Z", ["2026-01-02T04:05:00Z", "2026-01-03T04:05:00Z", "2026-01-04T04:05:00Z"]),
        .init("30 0 1 1 *", "UTC", "2026-01-01T00:30:00Z", ["2027-01-01T00:30:00Z", "2028-01-01T00:30:00Z"]),
        .init("0 12 15 6 *", "UTC", "2026-01-01T00:00:00Z", ["2026-06-15T12:00:00Z", "2027-06-15T12:00:00Z"]),
        .init("59 23 31 12 *", "UTC", "2026-12-31T23:59:00Z", ["2027-12-31T23:59:00Z"]),
        .init("0 0 * * 0", "UTC", "2026-01-01T00:00:00Z", ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z", "2026-01-18T00:00:00Z"]),
        .init("0 0 * * 7", "UTC", "2026-01-01T00:00:00Z", ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z", "2026-01-18T00:00:00Z"]),
        .init("0 0 * * 0,7", "UTC", "2026-01-01T00:00:00Z", ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z", "2026-01-18T00:00:00Z"]),
        .init("0 0 * * 6", "UTC", "2026-01-01T00:00:00Z", ["2026-01-03T00:00:00Z", "2026-01-10T00:00:00Z", "2026-01-17T00:00:00Z"]),
        .init("0 0 * * 1", "UTC", "2026-01-01T00:00:00Z", ["2026-01-05T00:00:00Z", "2026-01-12T00:00:00Z", "2026-01-19T00:00:00Z"]),
        .init("0 0 * * 0-7", "UTC", "2026-01-01T00:00:00Z", ["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z"]),
        .init("0 0 * * 5-7", "UTC", "2026-01-01T00:00:00Z", ["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z", "2026-01-09T00:00:00Z"]),
        .init("0 0 1 * *", "UTC", "2026-01-01T00:00:00Z", ["2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z"]),
        .init("0 0 * 2 *", "UTC", "2026-02-27T00:00:00Z", ["2026-02-28T00:00:00Z", "2027-02-01T00:00:00Z", "2027-02-02T00:00:00Z"]),
        .init("0 12 1 * *", "UTC", "2026-12-01T12:00:00Z", ["2027-01-01T12:00:00Z", "2027-02-01T12:00:00Z"]),
        .init("0 0 * * 4", "UTC", "2026-01-01T00:00:00Z", ["2026-01-08T00:00:00Z", "2026-01-15T00:00:00Z"]),
    ]

    // Month and weekday names, case-insensitive, alone, in lists, ranges and with a step.
    // 2026-01-01 is a Thursday; the Sundays of December 2026 are 6, 13, 20, 27 and the first
    // of December 2027 is the 5th; the Tuesdays of February 2026 are 3, 10, 17, 24.
    // JAN-DEC/2 is months 1, 3, 5, 7, 9, 11.
    static let namesRows: [CronTableCase] = [
        .init("0 0 1 JAN *", "UTC", "2026-01-01T00:00:00Z", ["2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z"]),
        .init("0 0 1 jan,Jul *", "UTC", "2026-01-01T00:00:00Z", ["2026-07-01T00:00:00Z", "2027-01-01T00:00:00Z", "2027-07-01T00:00:00Z"]),
        .init("0 0 * * mon-wed", "UTC", "2026-01-01T00:00:00Z", ["2026-01-05T00:00:00Z", "2026-01-06T00:00:00Z", "2026-01-07T00:00:00Z", "2026-01-12T00:00:00Z"]),
        .init("0 0 1 MAR-MAY *", "UTC", "2026-01-01T00:00:00Z", ["2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", "2026-05-01T00:00:00Z", "2027-03-01T00:00:00Z"]),
        .init("0 0 * * Sat", "UTC", "2026-01-01T00:00:00Z", ["2026-01-03T00:00:00Z", "2026-01-10T00:00:00Z"]),
        .init("0 0 * * sun", "UTC", "2026-01-01T00:00:00Z", ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"]),
        .init("0 12 * DEC SUN", "UTC", "2026-01-01T00:00:00Z", ["2026-12-06T12:00:00Z", "2026-12-13T12:00:00Z", "2026-12-20T12:00:00Z", "2026-12-27T12:00:00Z", "2027-12-05T12:00:00Z"]),
        .init("0 0 * * SUN,SAT", "UTC", "2026-01-01T00:00:00Z", ["2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z", "2026-01-10T00:00:00Z", "2026-01-11T00:00:00Z"]),
        .init("0 0 1 JAN-DEC/2 *", "UTC", "2026-02-15T00:00:00Z", ["2026-03-01T00:00:00Z", "2026-05-01T00:00:00Z", "2026-07-01T00:00:00Z"]),
        .init("0 0 1 oct-dec *", "UTC", "2026-01-01T00:00:00Z", ["2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z", "2027-10-01T00:00:00Z"]),
        .init("0 0 * FEB TUE", "UTC", "2026-01-01T00:00:00Z", ["2026-02-03T00:00:00Z", "2026-02-10T00:00:00Z", "2026-02-17T00:00:00Z", "2026-02-24T00:00:00Z", "2027-02-02T00:00:00Z"]),
        .init("0 0 * * THU", "UTC", "2026-01-01T00:00:00Z", ["2026-01-08T00:00:00Z", "2026-01-15T00:00:00Z"]),
        .init("0 0 1 jAn *", "UTC", "2026-01-01T00:00:00Z", ["2027-01-01T00:00:00Z"]),
        .init("0 0 * * Fri", "UTC", "2026-01-01T00:00:00Z", ["2026-01-02T00:00:00Z", "2026-01-09T00:00:00Z"]),
    ]

    // Lists, ranges and steps in every field. `*/n` starts at the field minimum (day 1, month 1,
    // Sunday), `a/n` runs from a to the field maximum, `a-b/n` from a to b. 2026-01-02 is a
    // Friday. */10 in the day field is 1, 11, 21, 31; */3 in the month field is 1, 4, 7, 10;
    // */2 in the weekday field is Sun, Tue, Thu, Sat; 1/5 in the hour field is 1, 6, 11, 16, 21
    // (and, because of the '/', follows absolute time). `1,2,5-7,*/20` is 0,1,2,5,6,7,20,40.
    static let listsRangesAndStepsRows: [CronTableCase] = [
        .init("0,15,30,45 * * * *", "UTC", "2026-01-01T13:50:00Z", ["2026-01-01T14:00:00Z", "2026-01-01T14:15:00Z", "2026-01-01T14:30:00Z", "2026-01-01T14:45:00Z", "2026-01-01T15:00:00Z"]),
        .init("0 8,12,18 * * *", "UTC", "2026-01-01T12:00:00Z", ["2026-01-01T18:00:00Z", "2026-01-02T08:00:00Z", "2026-01-02T12:00:00Z"]),
        .init("0 0 1,15 * *", "UTC", "2026-01-20T00:00:00Z", ["2026-02-01T00:00:00Z", "2026-02-15T00:00:00Z", "2026-03-01T00:00:00Z"]),
        .init("0 0 1 1,4,7,10 *", "UTC", "2026-02-01T00:00:00Z", ["2026-04-01T00:00:00Z", "2026-07-01T00:00:00Z", "2026-10-01T00:00:00Z", "2027-01-01T00:00:00Z"]),
        .init("0 0 * * 1,3,5", "UTC", "2026-01-01T00:00:00Z", ["2026-01-02T00:00:00Z", "2026-01-05T00:00:00Z", "2026-01-07T00:00:00Z", "2026-01-09T00:00:00Z"]),
        .init("0-4 * * * *", "UTC", "2026-01-01T13:03:00Z", ["2026-01-01T13:04:00Z", "2026-01-01T14:00:00Z", "2026-01-01T14:01:00Z"]),
        .init("0 9-17 * * *", "UTC", "2026-01-01T16:30:00Z", ["2026-01-01T17:00:00Z", "2026-01-02T09:00:00Z", "2026-01-02T10:00:00Z"]),
        .init("0 0 10-12 * *", "UTC", "2026-01-11T00:00:00Z", ["2026-01-12T00:00:00Z", "2026-02-10T00:00:00Z", "2026-02-11T00:00:00Z"]),
        .init("0 0 1 6-8 *", "UTC", "2026-01-01T00:00:00Z", ["2026-06-01T00:00:00Z", "2026-07-01T00:00:00Z", "2026-08-01T00:00:00Z", "2027-06-01T00:00:00Z"]),
        .init("0 9 * * 1-5", "UTC", "2026-01-02T09:00:00Z", ["2026-01-05T09:00:00Z", "2026-01-06T09:00:00Z", "2026-01-07T09:00:00Z", "2026-01-08T09:00:00Z", "2026-01-09T09:00:00Z"]),
        .init("0 9 * * MON-FRI", "UTC", "2026-01-09T10:00:00Z", ["2026-01-12T09:00:00Z", "2026-01-13T09:00:00Z", "2026-01-14T09:00:00Z", "2026-01-15T09:00:00Z", "2026-01-16T09:00:00Z"]),
        .init("*/15 * * * *", "UTC", "2026-01-01T13:07:00Z", ["2026-01-01T13:15:00Z", "2026-01-01T13:30:00Z", "2026-01-01T13:45:00Z", "2026-01-01T14:00:00Z"]),
        .init("*/7 * * * *", "UTC", "2026-01-01T13:50:00Z", ["2026-01-01T13:56:00Z", "2026-01-01T14:00:00Z", "2026-01-01T14:07:00Z"]),
        .init("0 */6 * * *", "UTC", "2026-01-01T07:00:00Z", ["2026-01-01T12:00:00Z", "2026-01-01T18:00:00Z", "2026-01-02T00:00:00Z", "2026-01-02T06:00:00Z"]),
        .init("0 0 */10 * *", "UTC", "2026-01-21T00:00:00Z", ["2026-01-31T00:00:00Z", "2026-02-01T00:00:00Z", "2026-02-11T00:00:00Z", "2026-02-21T00:00:00Z", "2026-03-01T00:00:00Z"]),
        .init("0 0 1 */3 *", "UTC", "2026-01-01T00:00:00Z", ["2026-04-01T00:00:00Z", "2026-07-01T00:00:00Z", "2026-10-01T00:00:00Z", "2027-01-01T00:00:00Z"]),
        .init("0 0 * * */2", "UTC", "2026-01-01T00:00:00Z", ["2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z", "2026-01-06T00:00:00Z", "2026-01-08T00:00:00Z"]),
        .init("5/20 * * * *", "UTC", "2026-01-01T13:30:00Z", ["2026-01-01T13:45:00Z", "2026-01-01T14:05:00Z", "2026-01-01T14:25:00Z"]),
        .init("10-30/10 * * * *", "UTC", "2026-01-01T13:30:00Z", ["2026-01-01T14:10:00Z", "2026-01-01T14:20:00Z", "2026-01-01T14:30:00Z", "2026-01-01T15:10:00Z"]),
        .init("0 0 5-25/5 * *", "UTC", "2026-01-22T00:00:00Z", ["2026-01-25T00:00:00Z", "2026-02-05T00:00:00Z", "2026-02-10T00:00:00Z"]),
        .init("0 1/5 * * *", "UTC", "2026-01-01T12:00:00Z", ["2026-01-01T16:00:00Z", "2026-01-01T21:00:00Z", "2026-01-02T01:00:00Z", "2026-01-02T06:00:00Z"]),
        .init("0 0 * * 1-5/2", "UTC", "2026-01-01T00:00:00Z", ["2026-01-02T00:00:00Z", "2026-01-05T00:00:00Z", "2026-01-07T00:00:00Z", "2026-01-09T00:00:00Z"]),
        .init("*/30 */12 * * *", "UTC", "2026-01-01T00:30:00Z", ["2026-01-01T12:00:00Z", "2026-01-01T12:30:00Z", "2026-01-02T00:00:00Z"]),
        .init("0 0 1 2-12/5 *", "UTC", "2026-01-01T00:00:00Z", ["2026-02-01T00:00:00Z", "2026-07-01T00:00:00Z", "2026-12-01T00:00:00Z", "2027-02-01T00:00:00Z"]),
        .init("1,2,5-7,*/20 * * * *", "UTC", "2026-01-01T13:03:00Z", ["2026-01-01T13:05:00Z", "2026-01-01T13:06:00Z", "2026-01-01T13:07:00Z", "2026-01-01T13:20:00Z", "2026-01-01T13:40:00Z"]),
        .init("0 0-23/8 * * *", "UTC", "2026-01-01T00:00:00Z", ["2026-01-01T08:00:00Z", "2026-01-01T16:00:00Z", "2026-01-02T00:00:00Z"]),
    ]

    // Ranges whose start is above their end wrap around the field: minute 50-10 is 50..59 and
    // 0..10, hour 22-2 is 22, 23, 0, 1, 2, FRI-MON is Fri, Sat, Sun, Mon, 6-0 is Sat, Sun,
    // day 28-3 is 28..31 then 1..3 (February 2026 has 28 days, so 28, then March 1, 2, 3),
    // NOV-FEB is 11, 12, 1, 2. 50-10/5 counts on from 50: 50, 55, 0, 5, 10.
    // 2026-01-01 is a Thursday and 2026-01-05 a Monday.
    static let wrappingRangesRows: [CronTableCase] = [
        .init("50-10 * * * *", "UTC", "2026-01-01T13:08:00Z", ["2026-01-01T13:09:00Z", "2026-01-01T13:10:00Z", "2026-01-01T13:50:00Z", "2026-01-01T13:51:00Z"]),
        .init("0 22-2 * * *", "UTC", "2026-01-01T02:00:00Z", ["2026-01-01T22:00:00Z", "2026-01-01T23:00:00Z", "2026-01-02T00:00:00Z", "2026-01-02T01:00:00Z", "2026-01-02T02:00:00Z"]),
        .init("0 0 * * FRI-MON", "UTC", "2026-01-01T00:00:00Z", ["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z", "2026-01-05T00:00:00Z", "2026-01-09T00:00:00Z"]),
        .init("0 0 * * 5-1", "UTC", "2026-01-05T00:00:00Z", ["2026-01-09T00:00:00Z", "2026-01-10T00:00:00Z", "2026-01-11T00:00:00Z", "2026-01-12T00:00:00Z"]),
        .init("0 0 * * SAT-TUE", "UTC", "2026-01-01T00:00:00Z", ["2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z", "2026-01-05T00:00:00Z", "2026-01-06T00:00:00Z"]),
        .init("0 0 * * 6-0", "UTC", "2026-01-01T00:00:00Z", ["2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z", "2026-01-10T00:00:00Z", "2026-01-11T00:00:00Z"]),
        .init("0 0 28-3 * *", "UTC", "2026-02-03T00:00:00Z", ["2026-02-28T00:00:00Z", "2026-03-01T00:00:00Z", "2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z", "2026-03-28T00:00:00Z"]),
        .init("0 0 1 NOV-FEB *", "UTC", "2026-02-01T00:00:00Z", ["2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z", "2027-11-01T00:00:00Z"]),
        .init("50-10/5 * * * *", "UTC", "2026-01-01T13:12:00Z", ["2026-01-01T13:50:00Z", "2026-01-01T13:55:00Z", "2026-01-01T14:00:00Z", "2026-01-01T14:05:00Z", "2026-01-01T14:10:00Z"]),
        .init("0 0 30-1 * *", "UTC", "2026-01-31T00:00:00Z", ["2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z", "2026-03-30T00:00:00Z"]),
        .init("0 0 * * 7-1", "UTC", "2026-01-01T00:00:00Z", ["2026-01-04T00:00:00Z", "2026-01-05T00:00:00Z", "2026-01-11T00:00:00Z", "2026-01-12T00:00:00Z"]),
    ]

    // Month lengths: 31 days in Jan, Mar, May, Jul, Aug, Oct, Dec; 30 in Apr, Jun, Sep, Nov;
    // February has 28 in 2026, 29 in 2028 (divisible by 4) and 28 in 2100 (divisible by 100
    // but not by 400), so after the 2096 leap day the next February 29 is in 2104.
    // L is the last day of the month.
    static let monthEndsAndLeapYearsRows: [CronTableCase] = [
        .init("0 0 31 * *", "UTC", "2026-01-31T00:00:00Z", ["2026-03-31T00:00:00Z", "2026-05-31T00:00:00Z", "2026-07-31T00:00:00Z", "2026-08-31T00:00:00Z", "2026-10-31T00:00:00Z"]),
        .init("0 0 30 * *", "UTC", "2026-01-30T00:00:00Z", ["2026-03-30T00:00:00Z", "2026-04-30T00:00:00Z", "2026-05-30T00:00:00Z"]),
        .init("0 0 29 * *", "UTC", "2026-01-29T00:00:00Z", ["2026-03-29T00:00:00Z", "2026-04-29T00:00:00Z"]),
        .init("0 0 29 * *", "UTC", "2028-01-29T00:00:00Z", ["2028-02-29T00:00:00Z", "2028-03-29T00:00:00Z"]),
        .init("0 0 29 2 *", "UTC", "2026-01-01T00:00:00Z", ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z", "2036-02-29T00:00:00Z", "2040-02-29T00:00:00Z", "2044-02-29T00:00:00Z"]),
        .init("0 0 29 2 *", "UTC", "2096-03-01T00:00:00Z", ["2104-02-29T00:00:00Z", "2108-02-29T00:00:00Z"]),
        .init("0 0 28 2 *", "UTC", "2100-01-01T00:00:00Z", ["2100-02-28T00:00:00Z", "2101-02-28T00:00:00Z"]),
        .init("0 0 L 2 *", "UTC", "2099-03-01T00:00:00Z", ["2100-02-28T00:00:00Z", "2101-02-28T00:00:00Z", "2102-02-28T00:00:00Z", "2103-02-28T00:00:00Z", "2104-02-29T00:00:00Z"]),
        .init("0 0 L 2 *", "UTC", "2027-03-01T00:00:00Z", ["2028-02-29T00:00:00Z", "2029-02-28T00:00:00Z"]),
        .init("0 0 L * *", "UTC", "2026-01-31T00:00:00Z", ["2026-02-28T00:00:00Z", "2026-03-31T00:00:00Z", "2026-04-30T00:00:00Z", "2026-05-31T00:00:00Z"]),
        .init("0 0 L * *", "UTC", "2027-12-31T00:00:00Z", ["2028-01-31T00:00:00Z", "2028-02-29T00:00:00Z", "2028-03-31T00:00:00Z"]),
        .init("59 23 L * *", "UTC", "2026-12-31T00:00:00Z", ["2026-12-31T23:59:00Z", "2027-01-31T23:59:00Z"]),
        .init("0 0 31 1-12/2 *", "UTC", "2026-06-01T00:00:00Z", ["2026-07-31T00:00:00Z", "2027-01-31T00:00:00Z", "2027-03-31T00:00:00Z"]),
        .init("0 0 1 3 *", "UTC", "2028-02-29T00:00:00Z", ["2028-03-01T00:00:00Z"]),
    ]

    // L-n is n days before the last day. L-1: Jan 30, Feb 27 (2026 has 28 days), Mar 30,
    // Apr 29. L-30 only exists in 31-day months (the 1st). L-28 is the 3rd of a 31-day month,
    // the 2nd of a 30-day month, the 1st of a leap February and nothing in February 2026.
    // L-15: Jan 16, Feb 13, Mar 16, Apr 15.
    static let lastDayOffsetsRows: [CronTableCase] = [
        .init("0 0 L-1 * *", "UTC", "2026-01-01T00:00:00Z", ["2026-01-30T00:00:00Z", "2026-02-27T00:00:00Z", "2026-03-30T00:00:00Z", "2026-04-29T00:00:00Z", "2026-05-30T00:00:00Z"]),
        .init("0 0 L-1 2 *", "UTC", "2027-03-01T00:00:00Z", ["2028-02-28T00:00:00Z", "2029-02-27T00:00:00Z"]),
        .init("0 0 L-30 * *", "UTC", "2026-01-01T00:00:00Z", ["2026-03-01T00:00:00Z", "2026-05-01T00:00:00Z", "2026-07-01T00:00:00Z", "2026-08-01T00:00:00Z", "2026-10-01T00:00:00Z"]),
        .init("0 0 L-28 * *", "UTC", "2026-01-10T00:00:00Z", ["2026-03-03T00:00:00Z", "2026-04-02T00:00:00Z", "2026-05-03T00:00:00Z", "2026-06-02T00:00:00Z", "2026-07-03T00:00:00Z"]),
        .init("0 0 L-28 2 *", "UTC", "2026-01-01T00:00:00Z", ["2028-02-01T00:00:00Z", "2032-02-01T00:00:00Z"]),
        .init("0 0 L-15 * *", "UTC", "2026-01-01T00:00:00Z", ["2026-01-16T00:00:00Z", "2026-02-13T00:00:00Z", "2026-03-16T00:00:00Z", "2026-04-15T00:00:00Z"]),
        .init("30 6 L-2 * *", "UTC", "2026-02-26T06:30:00Z", ["2026-03-29T06:30:00Z", "2026-04-28T06:30:00Z"]),
    ]

    // nW is the weekday nearest day n, never leaving the month. 2026: Feb 15, Mar 15 and Nov 15
    // are Sundays (-> Monday 16th), Aug 15 is a Saturday (-> Friday 14th). Aug 1 2026, Jan 1
    // 2028 and Apr 1 2028 are Saturdays, so 1W is Monday the 3rd, not the Friday before;
    // Nov 1 2026 is a Sunday -> Monday 2nd. May 31 2026 is a Sunday, so 31W is Friday the
    // 29th, not Monday June 1; Jan 31 and Oct 31 2026 are Saturdays -> Friday 30th; 31W never
    // matches in 30-day months or February. May 2 2026 is a Saturday -> Friday 1st; Aug 2
    // 2026 a Sunday -> Monday 3rd. Aug 30 2026 is a Sunday -> Monday 31st (31 exists); Apr 30
    // 2028 is a Sunday and the last day -> Friday 28th. LW is the last Monday-Friday: Jan 30
    // (31st Sat), Feb 27 (28th Sat), Mar 31 (Tue), Apr 30 (Thu), May 29 (31st Sun); Oct 29
    // 2027 (31st Sun). L-1W: Jan 30 Fri, Feb 27 Fri, Mar 30 Mon, Apr 29 Wed, May 30 Sat -> 29.
    // L-3W: Jan 28 Wed, Feb 25 Wed, Mar 28 Sat -> 27, Apr 27 Mon, May 28 Thu.
    static let nearestWeekdayRows: [CronTableCase] = [
        .init("0 0 15W * *", "UTC", "2026-01-01T00:00:00Z", ["2026-01-15T00:00:00Z", "2026-02-16T00:00:00Z", "2026-03-16T00:00:00Z", "2026-04-15T00:00:00Z", "2026-05-15T00:00:00Z"]),
        .init("0 0 15W * *", "UTC", "2026-07-20T00:00:00Z", ["2026-08-14T00:00:00Z", "2026-09-15T00:00:00Z", "2026-10-15T00:00:00Z", "2026-11-16T00:00:00Z", "2026-12-15T00:00:00Z"]),
        .init("0 0 1W * *", "UTC", "2026-07-02T00:00:00Z", ["2026-08-03T00:00:00Z", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z", "2026-11-02T00:00:00Z", "2026-12-01T00:00:00Z"]),
        .init("0 0 1W * *", "UTC", "2027-12-01T00:00:00Z", ["2028-01-03T00:00:00Z", "2028-02-01T00:00:00Z", "2028-03-01T00:00:00Z", "2028-04-03T00:00:00Z"]),
        .init("0 0 31W * *", "UTC", "2026-04-01T00:00:00Z", ["2026-05-29T00:00:00Z", "2026-07-31T00:00:00Z", "2026-08-31T00:00:00Z", "2026-10-30T00:00:00Z", "2026-12-31T00:00:00Z"]),
        .init("0 0 31W * *", "UTC", "2026-01-01T00:00:00Z", ["2026-01-30T00:00:00Z", "2026-03-31T00:00:00Z", "2026-05-29T00:00:00Z"]),
        .init("0 0 2W * *", "UTC", "2026-04-03T00:00:00Z", ["2026-05-01T00:00:00Z", "2026-06-02T00:00:00Z", "2026-07-02T00:00:00Z", "2026-08-03T00:00:00Z", "2026-09-02T00:00:00Z"]),
        .init("0 0 30W * *", "UTC", "2026-05-01T00:00:00Z", ["2026-05-29T00:00:00Z", "2026-06-30T00:00:00Z", "2026-07-30T00:00:00Z", "2026-08-31T00:00:00Z", "2026-09-30T00:00:00Z"]),
        .init("0 0 30W 4 *", "UTC", "2026-05-01T00:00:00Z", ["2027-04-30T00:00:00Z", "2028-04-28T00:00:00Z", "2029-04-30T00:00:00Z"]),
        .init("0 0 LW * *", "UTC", "2026-01-01T00:00:00Z", ["2026-01-30T00:00:00Z", "2026-02-27T00:00:00Z", "2026-03-31T00:00:00Z", "2026-04-30T00:00:00Z", "2026-05-29T00:00:00Z"]),
        .init("0 0 LW * *", "UTC", "2027-09-01T00:00:00Z", ["2027-09-30T00:00:00Z", "2027-10-29T00:00:00Z", "2027-11-30T00:00:00Z", "2027-12-31T00:00:00Z", "2028-01-31T00:00:00Z"]),
        .init("0 0 L-1W * *", "UTC", "2026-01-01T00:00:00Z", ["2026-01-30T00:00:00Z", "2026-02-27T00:00:00Z", "2026-03-30T00:00:00Z", "2026-04-29T00:00:00Z", "2026-05-29T00:00:00Z"]),
        .init("0 0 L-3W * *", "UTC", "2026-01-01T00:00:00Z", ["2026-01-28T00:00:00Z", "2026-02-25T00:00:00Z", "2026-03-27T00:00:00Z", "2026-04-27T00:00:00Z", "2026-05-28T00:00:00Z"]),
        .init("0 9 1W 8 *", "UTC", "2026-01-01T00:00:00Z", ["2026-08-03T09:00:00Z"]),
    ]

    // x#n is the n-th weekday x of the month, xL the last one, L alone in the weekday field is
    // Saturday. 2026 months with five Fridays: Jan (30th), May (29th), Jul (31st), Oct (30th);
    // five Sundays: Mar (29th), May (31st), Aug (30th), Nov (29th); five Saturdays: Jan (31st),
    // May (30th), Aug (29th), Oct (31st). Last Fridays 2026: Jan 30, Feb 27, Mar 27, Apr 24;
    // last Sundays: Jan 25, Feb 22, Mar 29, Apr 26, May 31. Last Mondays of February: 2026-02-23,
    // 2027-02-22, 2028-02-28.
    static let nthAndLastWeekdayRows: [CronTableCase] = [
        .init("0 0 * * 1#1", "UTC", "2026-01-01T00:00:00Z", ["2026-01-05T00:00:00Z", "2026-02-02T00:00:00Z", "2026-03-02T00:00:00Z", "2026-04-06T00:00:00Z", "2026-05-04T00:00:00Z"]),
        .init("0 0 * * MON#1", "UTC", "2026-01-01T00:00:00Z", ["2026-01-05T00:00:00Z", "2026-02-02T00:00:00Z", "2026-03-02T00:00:00Z", "2026-04-06T00:00:00Z", "2026-05-04T00:00:00Z"]),
        .init("0 0 * * FRI#3", "UTC", "2026-01-01T00:00:00Z", ["2026-01-16T00:00:00Z", "2026-02-20T00:00:00Z", "2026-03-20T00:00:00Z", "2026-04-17T00:00:00Z"]),
        .init("0 0 * * 5#5", "UTC", "2026-01-01T00:00:00Z", ["2026-01-30T00:00:00Z", "2026-05-29T00:00:00Z", "2026-07-31T00:00:00Z", "2026-10-30T00:00:00Z", "2027-01-29T00:00:00Z"]),
        .init("0 0 * * 0#5", "UTC", "2026-01-01T00:00:00Z", ["2026-03-29T00:00:00Z", "2026-05-31T00:00:00Z", "2026-08-30T00:00:00Z", "2026-11-29T00:00:00Z"]),
        .init("0 0 * * 7#2", "UTC", "2026-01-01T00:00:00Z", ["2026-01-11T00:00:00Z", "2026-02-08T00:00:00Z", "2026-03-08T00:00:00Z"]),
        .init("0 0 * * 2#4", "UTC", "2026-01-01T00:00:00Z", ["2026-01-27T00:00:00Z", "2026-02-24T00:00:00Z", "2026-03-24T00:00:00Z"]),
        .init("0 0 * * 6#5", "UTC", "2026-01-01T00:00:00Z", ["2026-01-31T00:00:00Z", "2026-05-30T00:00:00Z", "2026-08-29T00:00:00Z", "2026-10-31T00:00:00Z"]),
        .init("0 0 * * 5L", "UTC", "2026-01-01T00:00:00Z", ["2026-01-30T00:00:00Z", "2026-02-27T00:00:00Z", "2026-03-27T00:00:00Z", "2026-04-24T00:00:00Z"]),
        .init("0 0 * * FRIL", "UTC", "2026-01-01T00:00:00Z", ["2026-01-30T00:00:00Z", "2026-02-27T00:00:00Z", "2026-03-27T00:00:00Z", "2026-04-24T00:00:00Z"]),
        .init("0 0 * * 7L", "UTC", "2026-01-01T00:00:00Z", ["2026-01-25T00:00:00Z", "2026-02-22T00:00:00Z", "2026-03-29T00:00:00Z", "2026-04-26T00:00:00Z", "2026-05-31T00:00:00Z"]),
        .init("0 0 * * 0L", "UTC", "2026-01-01T00:00:00Z", ["2026-01-25T00:00:00Z", "2026-02-22T00:00:00Z", "2026-03-29T00:00:00Z", "2026-04-26T00:00:00Z", "2026-05-31T00:00:00Z"]),
        .init("0 0 * * L", "UTC", "2026-01-01T00:00:00Z", ["2026-01-03T00:00:00Z", "2026-01-10T00:00:00Z", "2026-01-17T00:00:00Z"]),
        .init("0 0 * 2 1L", "UTC", "2026-01-01T00:00:00Z", ["2026-02-23T00:00:00Z", "2027-02-22T00:00:00Z", "2028-02-28T00:00:00Z"]),
        .init("0 0 * 11 THU#4", "UTC", "2026-01-01T00:00:00Z", ["2026-11-26T00:00:00Z", "2027-11-25T00:00:00Z", "2028-11-23T00:00:00Z"]),
    ]

    // Vixie cron's day rule: when both day fields are restricted a day matches if EITHER does;
    // when one starts with '*' (also '*/n') the day must match both. 2026-01-13 is a Tuesday;
    // the Mondays of Jan-Mar 2026 are 5, 12, 19, 26 / 2, 9, 16, 23 / 2, 9, so '*/2' (odd days)
    // AND Monday gives Jan 5, 19, Feb 9, 23, Mar 9. The firsts of 2026 fall on Thu, Sun, Sun,
    // Wed, Fri, Mon, Wed, Sat, Tue, Thu, Sun: '*/2' in the weekday field (Sun, Tue, Thu, Sat)
    // keeps Feb, Mar, Aug, Sep, Oct (after Jan 1 itself). `1-7 * 1` is days 1-7 OR Mondays;
    // `1-31 * 1` is every day; `*/1 * 1` is Mondays only; `30 2 MON` is the Mondays of
    // February; `29 2 */1` only February 29. `1-7 * */7`: */7 in the weekday field is Sunday,
    // ANDed with days 1-7 it is the first Sunday: Jan 4, Feb 1, Mar 1, Apr 5, May 3.
    static let vixieDayRuleRows: [CronTableCase] = [
        .init("0 0 13 * FRI", "UTC", "2026-01-10T00:00:00Z", ["2026-01-13T00:00:00Z", "2026-01-16T00:00:00Z", "2026-01-23T00:00:00Z", "2026-01-30T00:00:00Z", "2026-02-06T00:00:00Z"]),
        .init("0 0 13 * FRI", "UTC", "2026-02-01T00:00:00Z", ["2026-02-06T00:00:00Z", "2026-02-13T00:00:00Z", "2026-02-20T00:00:00Z", "2026-02-27T00:00:00Z", "2026-03-06T00:00:00Z"]),
        .init("0 0 */2 * MON", "UTC", "2026-01-01T00:00:00Z", ["2026-01-05T00:00:00Z", "2026-01-19T00:00:00Z", "2026-02-09T00:00:00Z", "2026-02-23T00:00:00Z", "2026-03-09T00:00:00Z"]),
        .init("0 0 1 * */2", "UTC", "2026-01-01T00:00:00Z", ["2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z", "2026-08-01T00:00:00Z", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z"]),
        .init("0 0 1-7 * 1", "UTC", "2026-01-07T00:00:00Z", ["2026-01-12T00:00:00Z", "2026-01-19T00:00:00Z", "2026-01-26T00:00:00Z", "2026-02-01T00:00:00Z", "2026-02-02T00:00:00Z"]),
        .init("0 0 1-31 * 1", "UTC", "2026-01-01T00:00:00Z", ["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z", "2026-01-05T00:00:00Z"]),
        .init("0 0 */1 * 1", "UTC", "2026-01-01T00:00:00Z", ["2026-01-05T00:00:00Z", "2026-01-12T00:00:00Z", "2026-01-19T00:00:00Z"]),
        .init("0 0 1,15 * 1", "UTC", "2026-01-01T00:00:00Z", ["2026-01-05T00:00:00Z", "2026-01-12T00:00:00Z", "2026-01-15T00:00:00Z", "2026-01-19T00:00:00Z", "2026-01-26T00:00:00Z"]),
        .init("0 0 L * 5", "UTC", "2026-01-25T00:00:00Z", ["2026-01-30T00:00:00Z", "2026-01-31T00:00:00Z", "2026-02-06T00:00:00Z", "2026-02-13T00:00:00Z"]),
        .init("0 0 13 6 FRI", "UTC", "2026-01-01T00:00:00Z", ["2026-06-05T00:00:00Z", "2026-06-12T00:00:00Z", "2026-06-13T00:00:00Z", "2026-06-19T00:00:00Z", "2026-06-26T00:00:00Z"]),
        .init("0 0 30 2 MON", "UTC", "2026-01-01T00:00:00Z", ["2026-02-02T00:00:00Z", "2026-02-09T00:00:00Z", "2026-02-16T00:00:00Z", "2026-02-23T00:00:00Z", "2027-02-01T00:00:00Z"]),
        .init("0 0 29 2 */1", "UTC", "2026-01-01T00:00:00Z", ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"]),
        .init("0 0 15W * 1#1", "UTC", "2026-01-01T00:00:00Z", ["2026-01-05T00:00:00Z", "2026-01-15T00:00:00Z", "2026-02-02T00:00:00Z", "2026-02-16T00:00:00Z", "2026-03-02T00:00:00Z"]),
        .init("0 0 */2 * *", "UTC", "2026-01-29T00:00:00Z", ["2026-01-31T00:00:00Z", "2026-02-01T00:00:00Z", "2026-02-03T00:00:00Z"]),
        .init("0 0 1-7 * */7", "UTC", "2026-01-01T00:00:00Z", ["2026-01-04T00:00:00Z", "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z", "2026-04-05T00:00:00Z", "2026-05-03T00:00:00Z"]),
        .init("0 0 29 2 MON", "UTC", "2028-02-20T00:00:00Z", ["2028-02-21T00:00:00Z", "2028-02-28T00:00:00Z", "2028-02-29T00:00:00Z", "2029-02-05T00:00:00Z"]),
        .init("0 0 L * 0L", "UTC", "2026-01-01T00:00:00Z", ["2026-01-25T00:00:00Z", "2026-01-31T00:00:00Z", "2026-02-22T00:00:00Z", "2026-02-28T00:00:00Z"]),
    ]

    // Macros expand to their five-field forms; @weekly is Sunday midnight (2026-01-04 is the
    // first Sunday). Fields may be separated by runs of spaces and tabs, with whitespace
    // around the whole expression.
    static let macrosAndWhitespaceRows: [CronTableCase] = [
        .init("@yearly", "UTC", "2026-06-01T00:00:00Z", ["2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z"]),
        .init("@annually", "UTC", "2026-06-01T00:00:00Z", ["2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z"]),
        .init("@monthly", "UTC", "2026-01-31T00:00:00Z", ["2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"]),
        .init("@weekly", "UTC", "2026-01-01T00:00:00Z", ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"]),
        .init("@daily", "UTC", "2026-01-01T00:00:00Z", ["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"]),
        .init("@midnight", "UTC", "2026-01-01T00:00:00Z", ["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"]),
        .init("@hourly", "UTC", "2026-01-01T13:00:00Z", ["2026-01-01T14:00:00Z", "2026-01-01T15:00:00Z", "2026-01-01T16:00:00Z"]),
        .init("  0   9 * *\tMON-FRI  ", "UTC", "2026-01-01T00:00:00Z", ["2026-01-01T09:00:00Z", "2026-01-02T09:00:00Z", "2026-01-05T09:00:00Z"]),
        .init("\t*/15\t*\t*\t*\t*", "UTC", "2026-01-01T13:07:00Z", ["2026-01-01T13:15:00Z", "2026-01-01T13:30:00Z"]),
    ]

    // Fields are local wall-clock time. Kolkata is UTC+05:30 all year, so 09:00 is 03:30Z and
    // a local Monday midnight is Sunday 18:30Z; local :00 and :45 are :30Z and :15Z.
    // Los Angeles is UTC-8 in January, so Friday 23:00 is Saturday 07:00Z. Tokyo is UTC+9:
    // 2026-01-31 00:00 JST is 2026-01-30T15:00Z. Kiritimati is UTC+14. Lord Howe is UTC+10:30
    // in June (standard time).
    static let otherZonesRows: [CronTableCase] = [
        .init("0 9 * * *", "Asia/Kolkata", "2026-01-01T00:00:00Z", ["2026-01-01T03:30:00Z", "2026-01-02T03:30:00Z", "2026-01-03T03:30:00Z"]),
        .init("30 5 * * *", "Asia/Kolkata", "2026-01-01T00:00:00Z", ["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"]),
        .init("0 0 * * MON", "Asia/Kolkata", "2026-01-01T00:00:00Z", ["2026-01-04T18:30:00Z", "2026-01-11T18:30:00Z"]),
        .init("*/45 * * * *", "Asia/Kolkata", "2026-01-01T00:00:00Z", ["2026-01-01T00:15:00Z", "2026-01-01T00:30:00Z", "2026-01-01T01:15:00Z"]),
        .init("0 0 1 * *", "Asia/Kolkata", "2026-01-01T00:00:00Z", ["2026-01-31T18:30:00Z", "2026-02-28T18:30:00Z"]),
        .init("0 0 29 2 *", "Asia/Kolkata", "2026-01-01T00:00:00Z", ["2028-02-28T18:30:00Z"]),
        .init("0 23 * * FRI", "America/Los_Angeles", "2026-01-01T00:00:00Z", ["2026-01-03T07:00:00Z", "2026-01-10T07:00:00Z"]),
        .init("0 0 L * *", "Asia/Tokyo", "2026-01-01T00:00:00Z", ["2026-01-30T15:00:00Z", "2026-02-27T15:00:00Z"]),
        .init("0 9 * * MON-FRI", "Asia/Tokyo", "2026-01-01T00:00:00Z", ["2026-01-02T00:00:00Z", "2026-01-05T00:00:00Z"]),
        .init("0 0 1 1 *", "Pacific/Kiritimati", "2026-06-01T00:00:00Z", ["2026-12-31T10:00:00Z"]),
        .init("0 12 * * *", "Australia/Lord_Howe", "2026-06-01T00:00:00Z", ["2026-06-01T01:30:00Z", "2026-06-02T01:30:00Z"]),
        .init("0 0 * * *", "Etc/UTC", "2026-01-01T00:00:00Z", ["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"]),
        .init("0 0 * * *", "Asia/Kathmandu", "2026-01-01T00:00:00Z", ["2026-01-01T18:15:00Z", "2026-01-02T18:15:00Z"]),
        .init("*/20 * * * *", "Asia/Kathmandu", "2026-01-01T00:00:00Z", ["2026-01-01T00:15:00Z", "2026-01-01T00:35:00Z", "2026-01-01T00:55:00Z"]),
    ]

    @Test(arguments: CronTableTests.plainFieldsRows)
    func singleValuesStarsAndSundayAsZeroOrSeven(_ row: CronTableCase) throws { try row.check() }

    @Test(arguments: CronTableTests.namesRows)
    func monthAndWeekdayNamesInAnyCase(_ row: CronTableCase) throws { try row.check() }

    @Test(arguments: CronTableTests.listsRangesAndStepsRows)
    func listsRangesAndSteps(_ row: CronTableCase) throws { try row.check() }

    @Test(arguments: CronTableTests.wrappingRangesRows)
    func rangesThatWrapAroundTheField(_ row: CronTableCase) throws { try row.check() }

    @Test(arguments: CronTableTests.monthEndsAndLeapYearsRows)
    func monthEndsAndLeapYears(_ row: CronTableCase) throws { try row.check() }

    @Test(arguments: CronTableTests.lastDayOffsetsRows)
    func lastDayAndOffsetsFromIt(_ row: CronTableCase) throws { try row.check() }

    @Test(arguments: CronTableTests.nearestWeekdayRows)
    func nearestWeekdayStaysInsideTheMonth(_ row: CronTableCase) throws { try row.check() }

    @Test(arguments: CronTableTests.nthAndLastWeekdayRows)
    func nthAndLastWeekdayOfTheMonth(_ row: CronTableCase) throws { try row.check() }

    @Test(arguments: CronTableTests.vixieDayRuleRows)
    func dayOfMonthOrDayOfWeekFollowsVixieCron(_ row: CronTableCase) throws { try row.check() }

    @Test(arguments: CronTableTests.macrosAndWhitespaceRows)
    func macrosAndWhitespace(_ row: CronTableCase) throws { try row.check() }

    @Test(arguments: CronTableTests.otherZonesRows)
    func fieldsAreLocalTimeInTheGivenZone(_ row: CronTableCase) throws { try row.check() }

    /// Fire times are whole minutes: any fraction past a minute counts as past it, and an instant
    /// a millisecond before a fire time still gets that fire time.
    @Test func fractionsOfASecondMoveToTheNextWholeMinute() throws {
        let cron = try CronExpression("* * * * *")
        let utc = try #require(TimeZone(identifier: "UTC"))
        let minute = try #require(CronTableCase.instant("2026-01-01T13:07:00Z"))
        let following = try #require(CronTableCase.instant("2026-01-01T13:08:00Z"))
        #expect(cron.next(after: minute.addingTimeInterval(0.5), in: utc) == following)
        #expect(cron.next(after: minute.addingTimeInterval(59.999), in: utc) == following)
        #expect(cron.next(after: minute.addingTimeInterval(-0.001), in: utc) == minute)
        #expect(cron.fires(after: minute, in: utc, count: 0).isEmpty)
    }

    /// Expressions whose days never exist: February 30/31, April 31, 31W in April, 30W in
    /// February, L-30 in February (28 - 30 and 29 - 30 are below 1). They parse, and never fire.
    @Test(arguments: ["0 0 30 2 *", "0 0 31 2 *", "0 0 31 4 *", "0 0 31 6,9,11 *", "0 0 31 2,4 *",
                      "0 0 30W 2 *", "0 0 31W 4 *", "0 0 L-30 2 *", "30 12 31 9 *"])
    func expressionsThatCanNeverFireReturnNil(_ expression: String) throws {
        let cron = try CronExpression(expression)
        let start = try #require(CronTableCase.instant("2026-01-01T00:00:00Z"))
        for zone in ["UTC", "America/New_York"] {
            let timeZone = try #require(TimeZone(identifier: zone))
            #expect(cron.next(after: start, in: timeZone) == nil, "\(expression) in \(zone)")
            #expect(cron.fire(after: start, in: timeZone) == nil, "\(expression) in \(zone)")
            #expect(cron.fires(after: start, in: timeZone, count: 3).isEmpty, "\(expression) in \(zone)")
        }
    }
}
