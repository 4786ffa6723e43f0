import Foundation

extension WebhookVerifier {
    /// Unix seconds from header text: 1 to 18 ASCII digits (no sign, no fraction), so the
    /// value always fits an `Int64` and nothing here can trap.
    static func unixSeconds(_ text: Substring, header: String) throws(WebhookRefusal) -> Int64 {
        let digits = text.utf8
        guard (1...18).contains(digits.count),
              digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              let seconds = Int64(text) else {
            throw WebhookRefusal(.malformedHeader, "malformed timestamp in \(header): expected unix seconds (digits only)")
        }
        return seconds
    }

    /// Refuses a signed timestamp more than `tolerance` before or after the receive time.
    /// Checked after the signature holds, so this reason in a log means a genuine delivery
    /// that is late, replayed, or from a sender whose clock is wrong.
    func checkTolerance(_ seconds: Int64, receivedAt: Date) throws(WebhookRefusal) -> Date {
        guard let now = Int64(exactly: receivedAt.timeIntervalSince1970.rounded(.down)) else {
            throw WebhookRefusal(.timestampOutOfTolerance, "timestamp outside tolerance (the receive time is not a valid date)")
        }
        let limit = tolerance.components.seconds
        let (age, overflow) = now.subtractingReportingOverflow(seconds)
        guard !overflow, age.magnitude <= limit.magnitude else {
            let distance = overflow ? "further than any date"
                : age > 0 ? "\(age)s old" : "\(age.magnitude)s in the future"
            throw WebhookRefusal(.timestampOutOfTolerance, "timestamp outside tolerance (\(distance), tolerance \(limit)s)")
        }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}
