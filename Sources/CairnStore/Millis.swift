import Cairn
import Foundation

/// Times are stored as integer milliseconds since 1970 (UTC). Dates beyond what 64 bits of
/// milliseconds hold (about 292 million years either side) are clamped, never trapped on:
/// they come from requests and workflow code. The conversion is Cairn's one
/// (`millisecondsSince1970`), which the API's timestamps share.
extension Date {
    var millis: Int64 { millisecondsSince1970 }
    init(millis: Int64) { self.init(millisecondsSince1970: millis) }
}

extension Optional where Wrapped == Date {
    var millis: Int64? { self.map(\.millis) }
}

extension Optional where Wrapped == Int64 {
    var date: Date? { self.map(Date.init(millis:)) }
}
