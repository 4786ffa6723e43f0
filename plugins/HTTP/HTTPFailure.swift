import Cairn
import Foundation

/// A fetch that failed in a way a later attempt may not: HTTP 429 or 5xx (with the server's
/// `Retry-After`, which the engine honours when it is longer than the retry policy's
/// delay), a timeout, or a connection that could not be made or broke.
public struct HTTPRetryableError: RetryAfterError, NamedError, CustomStringConvertible, Sendable {
    /// The status, or `nil` when there was no response.
    public var status: Int?
    public var message: String
    /// `Retry-After` as the server sent it, or zero.
    public var retryAfter: Duration

    public var errorName: String { "HTTPRetryableError" }
    public var errorMessage: String { message }
    public var description: String { message }

    /// `Retry-After` in delta seconds or as an HTTP date, measured from `now`; zero when absent
    /// or unreadable, at most a day.
    static func retryAfterDelay(_ header: String?, now: Date) -> Duration {
        guard let header = header?.trimmingCharacters(in: .whitespaces), !header.isEmpty else { return .zero }
        if let seconds = Int(header), seconds >= 0 { return .seconds(min(seconds, 86_400)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: header) {
                return .seconds(Int(min(86_400, max(0, date.timeIntervalSince(now)).rounded(.up))))
            }
        }
        return .zero
    }
}
