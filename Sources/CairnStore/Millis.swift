import Cairn
import Foundation

/// Times are stored as integer milliseconds since 1970 (UTC). Dates beyond what 64 bits of
/// milliseconds hold (about 292 million years either side) are clamped, never trapped on:
/// they come from requests and workflow code.
///
/// `Date(millis: m).millis == m`: a date read back from a stored time lands a hair below the
/// millisecond in floating point (1.004 s × 1000 = 1003.9999…), so the conversion adds a
/// microsecond before truncating; otherwise a time read and written again drifts back a
/// millisecond each round.
extension Date {
    var millis: Int64 { Int64(saturating: (timeIntervalSince1970 * 1000 + 0.001).rounded(.down)) }
    init(millis: Int64) { self.init(timeIntervalSince1970: Double(millis) / 1000) }
}

extension Optional where Wrapped == Date {
    var millis: Int64? { self.map(\.millis) }
}

extension Optional where Wrapped == Int64 {
    var date: Date? { self.map(Date.init(millis:)) }
}
