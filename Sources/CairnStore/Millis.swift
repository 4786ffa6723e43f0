import Cairn
import Foundation

/// Times are stored as integer milliseconds since 1970 (UTC). Dates beyond what 64 bits of
/// milliseconds hold (about 292 million years either side) are clamped, never trapped on:
/// they come from requests and workflow code.
extension Date {
    var millis: Int64 { Int64(saturating: (timeIntervalSince1970 * 1000).rounded(.down)) }
    init(millis: Int64) { self.init(timeIntervalSince1970: Double(millis) / 1000) }
}

extension Optional where Wrapped == Date {
    var millis: Int64? { self.map(\.millis) }
}

extension Optional where Wrapped == Int64 {
    var date: Date? { self.map(Date.init(millis:)) }
}
