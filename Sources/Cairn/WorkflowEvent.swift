import Foundation

/// The event that started an instance: its parameters and identity. Immutable across replays.
public struct WorkflowEvent<Params: Sendable>: Sendable {
    /// The parameters given at creation (`params` in the API).
    public var payload: Params
    /// When the instance was created (for cron instances: the scheduled time).
    public var timestamp: Date
    /// The instance's ID, unique within its workflow.
    public var instanceId: String
    /// The workflow's registered name.
    public var workflowName: String

    public init(payload: Params, timestamp: Date, instanceId: String, workflowName: String) {
        self.payload = payload
        self.timestamp = timestamp
        self.instanceId = instanceId
        self.workflowName = workflowName
    }
}
