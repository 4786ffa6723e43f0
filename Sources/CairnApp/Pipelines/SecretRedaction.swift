import Cairn

/// Keeps the values of `[secrets]` out of what a pipeline step stores: a server that echoes a
/// credential back must not put it into the step's output (kept in the database and shown by
/// `describe`) or into its error message.
struct SecretRedaction: Sendable {
    static let marker = "[redacted]"
    /// Secret values long enough to be recognised without false matches.
    let values: [String]

    init(_ secrets: [String: String]) {
        values = secrets.values.filter { $0.count >= 4 }.sorted { $0.count > $1.count }
    }

    func text(_ text: String) -> String {
        values.reduce(text) { $0.replacingOccurrences(of: $1, with: Self.marker) }
    }

    func json(_ value: JSONValue) -> JSONValue {
        guard !values.isEmpty else { return value }
        switch value {
        case .string(let string): return .string(text(string))
        case .array(let elements): return .array(elements.map(json))
        case .object(let members): return .object(Dictionary(uniqueKeysWithValues: members.map { (text($0.key), json($0.value)) }))
        default: return value
        }
    }

    /// `error` with any secret in its message replaced, keeping its name (so a
    /// `NonRetryableError` stays final) and its `Retry-After`.
    func error(_ error: any Error) -> any Error {
        let info = ErrorInfo(error)
        let message = text(info.message)
        guard message != info.message else { return error }
        return RedactedFailure(name: info.name, message: message, retryAfter: (error as? any RetryAfterError)?.retryAfter ?? .zero)
    }
}

/// A plugin failure whose message had a secret in it, redacted.
struct RedactedFailure: NamedError, RetryAfterError, CustomStringConvertible, Sendable {
    var name: String
    var message: String
    var retryAfter: Duration
    var errorName: String { name }
    var errorMessage: String { message }
    var description: String { "\(name): \(message)" }
}
