import Cairn
import Foundation

/// libFuzzer target: the cron parser and next-fire computation. Any input must parse or be
/// refused with a CronError (never crash); a parsed expression's next fire after an instant
/// taken from the input must lie strictly after it, and the expression must fire again
/// strictly after that.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCron(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    // The first 4 bytes choose the instant (2000-01-01 + up to ~136 years, in seconds); the rest is the expression.
    var seconds: UInt32 = 0
    for byte in bytes.prefix(4) { seconds = seconds << 8 | UInt32(byte) }
    let text = String(decoding: bytes.dropFirst(4), as: UTF8.self)
    guard let expression = try? CronExpression(text) else { return 0 }
    let instant = Date(timeIntervalSince1970: 946_684_800 + Double(seconds))
    for zone in [TimeZone.gmt, TimeZone(identifier: "Europe/Berlin"), TimeZone(identifier: "America/Sao_Paulo")].compactMap({ $0 }) {
        guard let next = expression.next(after: instant, in: zone) else { continue }
        precondition(next > instant, "\(text): next fire \(next) is not after \(instant) in \(zone.identifier)")
        precondition(next.timeIntervalSince1970.truncatingRemainder(dividingBy: 60) == 0, "\(text): \(next) is not on a whole minute")
        if let after = expression.next(after: next, in: zone) {
            precondition(after > next, "\(text): the fire after \(next) is \(after)")
        }
    }
    return 0
}
