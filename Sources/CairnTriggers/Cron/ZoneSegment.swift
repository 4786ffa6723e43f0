import Cairn
import Foundation

/// A stretch of time in which a zone's UTC offset does not change, with the offset before it,
/// so a cron search can tell a DST gap (offset grows) from a repeated hour (offset shrinks).
/// All values are seconds.
struct ZoneSegment {
    var offset: Int64
    /// The transition that began this segment, if it began within the last two days (the
    /// only case in which a repeated hour can still be in progress).
    var start: Int64?
    var previousOffset: Int64
    /// The next transition, or `nil` for a zone without one.
    var end: Int64?

    init(containing instant: Int64, in zone: TimeZone) {
        offset = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant))))
        previousOffset = offset
        end = Self.transition(after: instant, in: zone)
        if let recent = Self.transition(after: instant - 2 * 86_400, in: zone), recent <= instant {
            start = recent
            previousOffset = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(recent - 1))))
        }
    }

    init(startingAt transition: Int64, after previous: ZoneSegment, in zone: TimeZone) {
        offset = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(transition))))
        start = transition
        previousOffset = previous.offset
        end = Self.transition(after: transition, in: zone)
    }

    private static func transition(after instant: Int64, in zone: TimeZone) -> Int64? {
        guard let date = zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: TimeInterval(instant))) else { return nil }
        return Int64(saturating: date.timeIntervalSince1970.rounded())
    }
}
