import Cairn
import Foundation

/// One instance as the engine reports it: identity, status, params, outcome and timestamps.
/// Params and output are JSON values as the workflow encoded them.
public struct InstanceView: Sendable, Hashable {
    public var workflow: String
    public var id: String
    public var status: InstanceStatus
    public var params: JSONValue
    public var output: JSONValue?
    public var error: ErrorInfo?
    /// Who created the instance: `api`, `cron`, `webhook`, `file`, `event`…
    public var trigger: String
    public var createdAt: Date
    public var updatedAt: Date
    public var startedAt: Date?
    public var endedAt: Date?
    public var pausedAt: Date?
    /// What a `waiting` instance waits for, and until when.
    public var waitingFor: WaitReason?
    public var wakeAt: Date?
    /// This instance's position in a newest-first listing (for the next page).
    public var cursor: PageCursor
}

/// A position in a newest-first listing of instances.
public struct PageCursor: Sendable, Hashable {
    public var createdAt: Date
    /// The engine's internal sequence number, which breaks ties between equal `createdAt`.
    public var sequence: Int64

    public init(createdAt: Date, sequence: Int64) {
        self.createdAt = createdAt
        self.sequence = sequence
    }
}

/// An instance with its step history.
public struct InstanceDetail: Sendable, Hashable {
    public var instance: InstanceView
    /// In the order the steps first started.
    public var steps: [StepView]
}

/// One step of an instance, with its attempts when it is a `do`.
public struct StepView: Sendable, Hashable {
    public var key: StepKey
    public var status: StepStatus
    public var startedAt: Date
    public var endedAt: Date?
    public var output: JSONValue?
    public var error: ErrorInfo?
    /// When a sleep ends, a retry is due or a wait times out.
    public var wakeAt: Date?
    /// The event type a `waitForEvent` waits for.
    public var eventType: String?
    /// The retry and timeout settings as first used (`do` steps).
    public var config: StepConfig?
    /// By attempt number (`do` steps).
    public var attempts: [AttemptView]
}

/// One attempt of a `do` step; `success` is `nil` while it runs.
public struct AttemptView: Sendable, Hashable {
    public var attempt: Int
    public var startedAt: Date
    public var endedAt: Date?
    public var success: Bool?
    public var error: ErrorInfo?
}
