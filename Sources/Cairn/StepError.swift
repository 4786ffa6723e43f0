/// A step that failed for good (retries exhausted or a ``NonRetryableError``), rethrown into `run`.
///
/// The same error comes back on every replay, without running the step again, so code
/// that catches it takes the same path each time.
public struct StepError: NamedError, CustomStringConvertible, Sendable {
    /// The step's name with its occurrence, e.g. `"charge card-1"`.
    public var step: String
    /// The name of the error the last attempt threw (`"NonRetryableError"`, a type name…).
    public var name: String
    /// That error's message.
    public var message: String

    public init(step: String, name: String, message: String) {
        self.step = step
        self.name = name
        self.message = message
    }

    public var errorName: String { name }
    public var errorMessage: String { message }
    public var description: String { "\(name): \(message)" }
}

/// Thrown by `waitForEvent` when no event of the type arrived before the timeout. Catchable.
public struct WaitForEventTimeoutError: NamedError, CustomStringConvertible, Sendable {
    public var step: String
    public var eventType: String
    public var timeoutMilliseconds: Int64

    public init(step: String, eventType: String, timeoutMilliseconds: Int64) {
        self.step = step
        self.eventType = eventType
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    public var errorName: String { "WaitForEventTimeoutError" }
    public var errorMessage: String {
        "No '\(eventType)' event arrived for step '\(step)' within \(timeoutMilliseconds) ms."
    }
    public var description: String { "\(errorName): \(errorMessage)" }
}

/// A step attempt that ran past its configured timeout. The attempt fails and retries apply.
public struct StepTimeoutError: NamedError, CustomStringConvertible, Sendable {
    public var milliseconds: Int64
    public init(milliseconds: Int64) { self.milliseconds = milliseconds }
    public var errorName: String { "WorkflowTimeoutError" }
    public var errorMessage: String { "Execution timed out after \(milliseconds)ms" }
    public var description: String { "\(errorName): \(errorMessage)" }
}
