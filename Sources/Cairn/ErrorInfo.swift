/// An error as Cairn stores and reports it: a name and a message, as in Cloudflare Workflows.
///
/// Error types do not survive persistence; their name and message do.
public struct ErrorInfo: Codable, Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var message: String

    public init(name: String, message: String) {
        self.name = name
        self.message = message
    }

    /// Describes any thrown error: Cairn's own errors keep their declared name, others use their type name.
    public init(_ error: any Error) {
        if let named = error as? any NamedError {
            self.init(name: named.errorName, message: named.errorMessage)
        } else {
            self.init(name: String(describing: type(of: error)), message: String(describing: error))
        }
    }

    public var description: String { "\(name): \(message)" }
}

/// An error that reports a stable name and message (used for `ErrorInfo`).
public protocol NamedError: Error {
    var errorName: String { get }
    var errorMessage: String { get }
}
