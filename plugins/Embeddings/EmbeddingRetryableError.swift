import Cairn

/// An embeddings request that a later attempt may get through: 429, 5xx, a timeout or no
/// connection. The engine waits at least the server's `Retry-After`.
public struct EmbeddingRetryableError: RetryAfterError, NamedError, CustomStringConvertible, Sendable {
    public var message: String
    /// The HTTP status, `nil` when there was no answer.
    public var status: Int?
    public var retryAfter: Duration

    public init(_ message: String, status: Int?, retryAfter: Duration = .zero) {
        self.message = message
        self.status = status
        self.retryAfter = retryAfter
    }

    public var errorName: String { "EmbeddingRetryableError" }
    public var errorMessage: String { message }
    public var description: String { message }
}
