import Foundation

/// What an engine implements to execute the step primitives of one instance lifetime.
///
/// Workflow authors never use this directly; ``WorkflowStep`` wraps it with typed,
/// validated calls and assigns occurrence numbers. Values cross this boundary as JSON.
public protocol StepRunner: Sendable {
    /// Runs (or replays) a `step.do`: returns the stored JSON result, or runs `body` with retries.
    func runStep(
        _ key: StepKey,
        config: StepConfig,
        body: @escaping @Sendable (StepContext) async throws -> Data
    ) async throws -> Data

    /// Sleeps until `duration` after the sleep first started (persisted), or returns at once on replay.
    func sleep(_ key: StepKey, milliseconds: Int64) async throws

    /// Sleeps until a wall-clock time; returns at once if it has passed.
    func sleep(_ key: StepKey, until date: Date) async throws

    /// Waits for an event of `type`, or throws ``WaitForEventTimeoutError`` after the timeout.
    func waitForEvent(_ key: StepKey, type: String, timeoutMilliseconds: Int64) async throws -> ReceivedEvent

    /// The workflow misused the step API (``WorkflowStep`` detected it). Returns the error to
    /// throw; an engine ends the instance with it even if the workflow catches it.
    func reject(_ error: WorkflowError) -> any Error
}

extension StepRunner {
    /// Runners that cannot end an instance themselves throw the error as it is.
    public func reject(_ error: WorkflowError) -> any Error { error }
}

/// An event as delivered to `waitForEvent`, payload still JSON.
public struct ReceivedEvent: Sendable, Codable, Hashable {
    public var type: String
    public var payload: Data
    public var timestamp: Date

    public init(type: String, payload: Data, timestamp: Date) {
        self.type = type
        self.payload = payload
        self.timestamp = timestamp
    }
}

/// An event returned by `waitForEvent`: its decoded payload, type and the time it was sent.
public struct StepEvent<Payload: Sendable>: Sendable {
    public var payload: Payload
    public var type: String
    public var timestamp: Date

    public init(payload: Payload, type: String, timestamp: Date) {
        self.payload = payload
        self.type = type
        self.timestamp = timestamp
    }
}
