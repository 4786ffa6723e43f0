import Cairn
import CairnCurl
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
        RetryAfter.delay(header, now: now)
    }
}
