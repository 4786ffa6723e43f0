import Cairn
import Foundation

/// A parsed five-field cron expression (minute, hour, day of month, month, day of week).
///
/// Syntax: `*`, lists, ranges (wrapping ones such as `FRI-MON` too), steps, names
/// (`JAN`, `MON`), `L`, `L-n`, `nW`, `LW`, `L-nW` (day of month), `x#n`, `xL` (day of
/// week), and the macros `@yearly @annually @monthly @weekly @daily @midnight @hourly`.
/// Day-of-week numbers follow crontab: 0-7, with 0 and 7 Sunday and 1 Monday
/// (Cloudflare's parser counts 1 = Sunday). When both day fields are restricted a day
/// matches if either does (Vixie cron); a day field starting with `*` does not restrict.
///
/// ```swift
/// let cron = try CronExpression("0 9 * * MON-FRI")
/// let next = cron.next(after: .now, in: TimeZone(identifier: "Europe/Berlin")!)
/// ```
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    /// The expression as written.
    public let source: String
    let minutes: CronField
    let hours: CronField
    let daysOfMonth: CronField
    let months: CronField
    let daysOfWeek: CronField
    /// Vixie's DST rule: an hour field with `*` or a step follows absolute time; a fixed hour
    /// fires once per local day even across a gap or a repeated hour.
    public let followsAbsoluteTime: Bool

    /// Parses `text`; throws a ``CronError`` naming the field, the position and what is allowed.
    public init(_ text: String) throws(CronError) {
        let fields = try CronParser(expression: text).parse()
        source = text.trimmingCharacters(in: .whitespaces)
        minutes = fields[0]
        hours = fields[1]
        daysOfMonth = fields[2]
        months = fields[3]
        daysOfWeek = fields[4]
        let hourText = CronParser.macros[source.lowercased()]?.split(separator: " ")[1]
            ?? source.split(whereSeparator: { $0 == " " || $0 == "\t" })[1]
        followsAbsoluteTime = hourText.contains("*") || hourText.contains("/")
    }

    public var description: String { source }

    /// The days of `month` in `year` that match, as a bit set (bit n = day n).
    func matchingDays(year: Int, month: Int) -> UInt64 {
        let length = CivilDate.daysInMonth(year: year, month: month)
        let first = CivilDate.days(year: year, month: month, day: 1)
        let firstWeekday = CivilDate.weekday(days: first)
        let allDays: UInt64 = ((1 << UInt64(length + 1)) - 1) & ~1
        // Day of month.
        var byDay = daysOfMonth.bits & allDays
        for offset in daysOfMonth.lastDayOffsets where length - offset >= 1 {
            byDay |= 1 << UInt64(length - offset)
        }
        for day in daysOfMonth.nearestWeekdays where day <= length {
            byDay |= 1 << UInt64(Self.nearestWeekday(to: day, length: length, firstWeekday: firstWeekday))
        }
        for offset in daysOfMonth.lastNearestWeekdayOffsets where length - offset >= 1 {
            byDay |= 1 << UInt64(Self.nearestWeekday(to: length - offset, length: length, firstWeekday: firstWeekday))
        }
        // Day of week.
        var byWeekday: UInt64 = 0
        for day in 1...length {
            let weekday = (firstWeekday + day - 1) % 7
            if daysOfWeek.contains(weekday) { byWeekday |= 1 << UInt64(day) }
        }
        for nth in daysOfWeek.nthWeekdays {
            let day = 1 + (nth.weekday - firstWeekday + 7) % 7 + 7 * (nth.n - 1)
            if day <= length { byWeekday |= 1 << UInt64(day) }
        }
        if daysOfWeek.lastWeekdays != 0 {
            for day in (length - 6)...length where daysOfWeek.lastWeekdays & (1 << UInt8((firstWeekday + day - 1) % 7)) != 0 {
                byWeekday |= 1 << UInt64(day)
            }
        }
        if daysOfMonth.isStar || daysOfWeek.isStar { return byDay & byWeekday }
        return byDay | byWeekday
    }

    /// The weekday (Monday-Friday) nearest `day`, without leaving the month.
    static func nearestWeekday(to day: Int, length: Int, firstWeekday: Int) -> Int {
        switch (firstWeekday + day - 1) % 7 {
        case 6: day == 1 ? day + 2 : day - 1
        case 0: day == length ? day - 2 : day + 1
        default: day
        }
    }
}
