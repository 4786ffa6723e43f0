/// An error that asks for at least ``retryAfter`` before the step's next attempt — an HTTP
/// 429 or 503 whose server said `Retry-After`. The engine waits for the longer of this and
/// the retry policy's delay; it never retries sooner than the policy says, and a
/// ``NonRetryableError`` stays final.
///
/// ```swift
/// struct RateLimited: RetryAfterError { var retryAfter: Duration }
/// throw RateLimited(retryAfter: .seconds(120))
/// ```
public protocol RetryAfterError: Error {
    /// The least time to wait before the next attempt.
    var retryAfter: Duration { get }
}
