import CairnTriggers
import CairnAPI
import Foundation

/// How the CLI writes cron fire times: ISO 8601 to the second, in UTC with `Z`, or in a
/// zone with its offset (`2026-03-08T03:00:00-04:00`), plus a note for a fire a DST gap moved.
enum FireTime {
    /// `date` in UTC (`zone == nil`) or in `zone` with its offset.
    static func iso(_ date: Date, in zone: TimeZone?) -> String {
        guard let zone else { return local(date, in: .gmt) + "Z" }
        let offset = zone.secondsFromGMT(for: date)
        let magnitude = abs(offset)
        var text = local(date, in: zone) + (offset < 0 ? "-" : "+") + pad(magnitude / 3600) + ":" + pad(magnitude % 3600 / 60)
        if magnitude % 60 != 0 { text += ":" + pad(magnitude % 60) }    // local mean time before 1900
        return text
    }

    /// The wall-clock time `2026-03-08T02:30:00` of `date` in `zone`, without an offset.
    static func local(_ date: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return "\(pad(parts.year ?? 0, width: 4))-\(pad(parts.month ?? 0))-\(pad(parts.day ?? 0))"
            + "T\(pad(parts.hour ?? 0)):\(pad(parts.minute ?? 0)):\(pad(parts.second ?? 0))"
    }

    /// For a fire a DST gap moved: the local time the expression named, which did not exist
    /// (`2026-03-08T02:30:00`). It is the first matching wall time at or after the start of
    /// the gap, read with the offset that was in force before the transition.
    static func skippedLocalTime(of fire: CronFire, cron: CronExpression, in zone: TimeZone) -> String? {
        guard fire.movedByGap else { return nil }
        let before = zone.secondsFromGMT(for: fire.date.addingTimeInterval(-1))
        let after = zone.secondsFromGMT(for: fire.date)
        guard after > before, let previous = TimeZone(secondsFromGMT: before),
              let nominal = cron.next(after: fire.date.addingTimeInterval(-1), in: previous),
              nominal < fire.date.addingTimeInterval(TimeInterval(after - before)) else { return nil }
        return local(nominal, in: previous)
    }

    /// `  (moved: 02:30 does not exist on 2026-03-08, DST gap)` for a moved fire, else "".
    /// Two spaces first, so `cut -d' ' -f1` still gives the timestamp.
    static func gapNote(_ fire: CronFire, cron: CronExpression, in zone: TimeZone) -> String {
        guard fire.movedByGap else { return "" }
        guard let skipped = skippedLocalTime(of: fire, cron: cron, in: zone) else {
            return "  (moved: the local time does not exist on this day, DST gap)"
        }
        let date = skipped.prefix(10)
        let time = skipped.dropFirst(11).prefix(5)
        return "  (moved: \(time) does not exist on \(date), DST gap)"
    }

    private static func pad(_ value: Int, width: Int = 2) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Parses `--after`: ISO 8601 with `Z` or an offset, with or without fractional seconds.
    static func parse(_ text: String) -> Date? {
        Timestamp.strict(text)
    }
}
