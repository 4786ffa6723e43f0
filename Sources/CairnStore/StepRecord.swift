import Cairn
import Foundation

/// One step of an instance as stored: its state, result and, for `do`, its attempt count.
public struct StepRecord: Sendable, Hashable {
    public var instance: Int64
    public var key: StepKey
    /// Order in which steps first started within the instance.
    public var seq: Int64
    public var status: StepStatus
    public var attempts: Int
    /// The config as first used (JSON); later retries and replays use this one.
    public var config: StepConfig?
    public var output: Data?
    public var error: ErrorInfo?
    public var startedAt: Date
    public var endedAt: Date?
    /// When a sleep ends, a retry is due or a wait times out.
    public var wakeAt: Date?
    public var eventType: String?

    public init(
        instance: Int64, key: StepKey, seq: Int64, status: StepStatus, attempts: Int = 0,
        config: StepConfig? = nil, output: Data? = nil, error: ErrorInfo? = nil,
        startedAt: Date, endedAt: Date? = nil, wakeAt: Date? = nil, eventType: String? = nil
    ) {
        self.instance = instance
        self.key = key
        self.seq = seq
        self.status = status
        self.attempts = attempts
        self.config = config
        self.output = output
        self.error = error
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.wakeAt = wakeAt
        self.eventType = eventType
    }
}

/// One attempt of a `do` step.
public struct AttemptRecord: Sendable, Hashable {
    public var instance: Int64
    public var name: String
    public var count: Int
    public var attempt: Int
    public var startedAt: Date
    public var endedAt: Date?
    public var success: Bool?
    public var error: ErrorInfo?

    public init(
        instance: Int64, name: String, count: Int, attempt: Int, startedAt: Date,
        endedAt: Date? = nil, success: Bool? = nil, error: ErrorInfo? = nil
    ) {
        self.instance = instance
        self.name = name
        self.count = count
        self.attempt = attempt
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.success = success
        self.error = error
    }
}
