/// Thrown from a step body to stop retrying at once.
///
/// The step fails after this attempt and the error is rethrown into `run` (as a ``StepError``
/// whose `name` is this error's `name`), where it can be caught like any step failure.
///
/// ```swift
/// try await step.do("charge") { _ in
///     guard card.isValid else { throw NonRetryableError("card \(card.id) is expired") }
///     …
/// }
/// ```
public struct NonRetryableError: NamedError, CustomStringConvertible, Sendable {
    public var message: String
    public var name: String

    public init(_ message: String, name: String = "NonRetryableError") {
        self.message = message
        self.name = name
    }

    public var errorName: String { name }
    public var errorMessage: String { message }
    public var description: String { "\(name): \(message)" }
}
