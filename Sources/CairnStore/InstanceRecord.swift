import Cairn
import Foundation

/// One workflow instance as stored: identity, status, params, outcome and timestamps.
public struct InstanceRecord: Sendable, Hashable {
    /// The store's internal key (allocated by the engine).
    public var rowID: Int64
    public var workflow: String
    public var id: String
    public var status: InstanceStatus
    /// Bumped by terminate and restart: writes from an older lifetime are refused.
    public var epoch: Int64
    public var params: Data
    public var output: Data?
    public var error: ErrorInfo?
    /// Who created the instance: `api`, `cron`, `webhook`, `file`, `event`…
    public var trigger: String
    public var createdAt: Date
    public var startedAt: Date?
    public var endedAt: Date?
    public var updatedAt: Date
    public var pausedAt: Date?
    public var waitingFor: WaitReason?
    public var wakeAt: Date?
    /// The time the workflow sees as `event.timestamp` when it differs from `createdAt` (a
    /// cron tick's scheduled time); `nil` means `createdAt`.
    public var eventTime: Date?

    public init(
        rowID: Int64, workflow: String, id: String, status: InstanceStatus, epoch: Int64 = 0,
        params: Data, output: Data? = nil, error: ErrorInfo? = nil, trigger: String,
        createdAt: Date, startedAt: Date? = nil, endedAt: Date? = nil, updatedAt: Date,
        pausedAt: Date? = nil, waitingFor: WaitReason? = nil, wakeAt: Date? = nil, eventTime: Date? = nil
    ) {
        self.rowID = rowID
        self.workflow = workflow
        self.id = id
        self.status = status
        self.epoch = epoch
        self.params = params
        self.output = output
        self.error = error
        self.trigger = trigger
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.updatedAt = updatedAt
        self.pausedAt = pausedAt
        self.waitingFor = waitingFor
        self.wakeAt = wakeAt
        self.eventTime = eventTime
    }
}
