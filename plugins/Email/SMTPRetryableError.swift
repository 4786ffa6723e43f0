import Cairn

/// A send that a later attempt may get through: no connection, a timeout, or a 4xx reply.
///
/// When the whole message had gone out and the relay's reply never came, the send is
/// *uncertain* (the relay may have accepted it): the error is named `SMTPUncertainSend`, so
/// the next attempt knows (``Email/send(_:relay:messageID:onUncertain:after:maxMessageBytes:date:)``).
public struct SMTPRetryableError: NamedError, CustomStringConvertible, Sendable {
    /// What happened, with the relay and what the retry will do.
    public var message: String
    /// The relay's reply code, `nil` when there was none.
    public var code: Int?
    /// Whether the relay may have accepted the message (see above).
    public var uncertain: Bool

    public init(_ message: String, code: Int? = nil, uncertain: Bool = false) {
        self.message = message
        self.code = code
        self.uncertain = uncertain
    }

    public var errorName: String { uncertain ? Self.uncertainName : "SMTPRetryableError" }
    public var errorMessage: String { message }
    public var description: String { "\(errorName): \(message)" }

    /// The name an uncertain send's error is stored under.
    public static let uncertainName = "SMTPUncertainSend"
}
