/// What a `step.do` body learns about its own execution.
public struct StepContext: Sendable {
    /// The step's name as written.
    public var name: String
    /// 1-based occurrence of this name among `step.do` calls in this instance.
    public var count: Int
    /// 1 on the first try, 2 on the first retry, and so on.
    public var attempt: Int
    /// The config in force, defaults merged.
    public var config: StepConfig
    /// How the previous attempt ended, `nil` on the first: its error, or
    /// `WorkflowInternalError` when the process died during it (the attempt may have done
    /// its work). Lets a body that talks to the outside tell a clean retry from one after an
    /// uncertain outcome.
    public var previousError: ErrorInfo?

    public init(name: String, count: Int, attempt: Int, config: StepConfig, previousError: ErrorInfo? = nil) {
        self.name = name
        self.count = count
        self.attempt = attempt
        self.config = config
        self.previousError = previousError
    }
}
