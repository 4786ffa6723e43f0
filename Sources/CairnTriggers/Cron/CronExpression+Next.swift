import Cairn
import Foundation

extension CronExpression {
    /// How many zone segments or months a search may cross before it gives up: an expression
    /// such as `0 0 30 2 *` never fires.
    private static let searchLimit = 2_000

    /// The first fire time strictly after `instant`, or `nil` if the expression never fires.
    public func next(after instant: Date, in zone: TimeZone = .gmt) -> Date? {
        fire(after: instant, in: zone)?.date
    }

    /// The next `count` fire times after `instant`.
    public func fires(after instant: Date, in zone: TimeZone = .gmt, count: Int) -> [CronFire] {
        var fires: [CronFire] = []
        var cursor = instant
        while fires.count < count, let fire = fire(after: cursor, in: zone) {
            fires.append(fire)
            cursor = fire.date
        }
        return fires
    }

    /// The first fire time strictly after `instant` with Vixie cron's DST rule: an expression
    /// whose hour is `*` or stepped fires at every instant whose local time matches (twice in
    /// a repeated hour, never in a gap); one with a fixed hour fires once per matching local
    /// time: at the first valid minute after a gap, and at the first of two occurrences.
    public func fire(after instant: Date, in zone: TimeZone = .gmt) -> CronFire? {
        let seconds = Int64(saturating: instant.timeIntervalSince1970.rounded(.down))
        var segment = ZoneSegment(containing: seconds, in: zone)
        var from = CivilDate.floorDiv(seconds + segment.offset, 60) + 1
        for _ in 0..<Self.searchLimit {
            guard let candidate = nextLocalMinute(from: from) else { return nil }
            let wall = candidate * 60
            let utc = wall - segment.offset
            if segment.end.map({ utc < $0 }) ?? true {
                // A wall time the previous segment already showed (the second pass of a
                // repeated hour) fired then, if the hour is fixed.
                if !followsAbsoluteTime, let start = segment.start, segment.previousOffset > segment.offset, wall < start + segment.previousOffset {
                    from = candidate + 1
                    continue
                }
                return CronFire(date: Date(timeIntervalSince1970: TimeInterval(utc)))
            }
            guard let end = segment.end else { return nil }
            let next = ZoneSegment(startingAt: end, after: segment, in: zone)
            if followsAbsoluteTime {
                from = CivilDate.floorDiv(end + next.offset + 59, 60)
            } else if next.offset > segment.offset, wall < end + next.offset {
                return CronFire(date: Date(timeIntervalSince1970: TimeInterval(end)), movedByGap: true)
            }
            segment = next
        }
        return nil
    }

    /// The first local minute (minutes since 1970-01-01 00:00 wall time) at or after `from`
    /// that matches, ignoring time zones.
    func nextLocalMinute(from: Int64) -> Int64? {
        let dayNumber = Int(CivilDate.floorDiv(from, 1440))
        let minuteOfDay = Int(from - Int64(dayNumber) * 1440)
        var (year, month, day) = CivilDate.date(days: dayNumber)
        var hour = minuteOfDay / 60
        var minute = minuteOfDay % 60
        for _ in 0..<Self.searchLimit {
            guard let matchingMonth = months.next(atLeast: month) else {
                (year, month, day, hour, minute) = (year + 1, 1, 1, 0, 0)
                continue
            }
            if matchingMonth != month {
                (month, day, hour, minute) = (matchingMonth, 1, 0, 0)
            }
            let days = matchingDays(year: year, month: month)
            while true {
                let masked = day < 64 ? days & (~0 << UInt64(day)) : 0
                guard masked != 0 else { break }
                let matchingDay = masked.trailingZeroBitCount
                if matchingDay != day { (day, hour, minute) = (matchingDay, 0, 0) }
                if let matchingHour = hours.next(atLeast: hour) {
                    if matchingHour != hour { (hour, minute) = (matchingHour, 0) }
                    if let matchingMinute = minutes.next(atLeast: minute) {
                        let days = CivilDate.days(year: year, month: month, day: day)
                        return Int64(days) * 1440 + Int64(hour * 60 + matchingMinute)
                    }
                    if let laterHour = hours.next(atLeast: hour + 1) {
                        (hour, minute) = (laterHour, 0)
                        if let first = minutes.next(atLeast: 0) {
                            let days = CivilDate.days(year: year, month: month, day: day)
                            return Int64(days) * 1440 + Int64(hour * 60 + first)
                        }
                    }
                }
                (day, hour, minute) = (day + 1, 0, 0)
            }
            if month == 12 {
                (year, month, day, hour, minute) = (year + 1, 1, 1, 0, 0)
            } else {
                (month, day, hour, minute) = (month + 1, 1, 0, 0)
            }
        }
        return nil
    }
}
