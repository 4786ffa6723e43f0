import Foundation

/// Cairn keeps times as whole milliseconds since 1970 (UTC): the store's columns and the
/// API's timestamps use this one conversion, so they always agree.
extension Date {
    /// Milliseconds since 1970, sub-millisecond parts cut, clamped (never trapping) for dates
    /// beyond what 64 bits hold. `Date(millisecondsSince1970: m).millisecondsSince1970 == m`:
    /// a date made from a stored millisecond lands a hair below it in floating point (1.004 s
    /// × 1000 = 1003.9999…), so a microsecond is added before cutting; otherwise a time read
    /// and written again drifts back a millisecond each round.
    package var millisecondsSince1970: Int64 {
        Int64(saturating: (timeIntervalSince1970 * 1000 + 0.001).rounded(.down))
    }

    package init(millisecondsSince1970 millis: Int64) {
        self.init(timeIntervalSince1970: Double(millis) / 1000)
    }
}
