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

    public init(name: String, count: Int, attempt: Int, config: StepConfig) {
        self.name = name
        self.count = count
        self.attempt = attempt
        self.config = config
    }
}
