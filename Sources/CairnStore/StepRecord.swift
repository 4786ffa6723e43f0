import Cairn
import Foundation

/// One step of an instance as stored: its state, result and, for `do`, its attempts.
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
    /// Every attempt of a `do` step so far, oldest first; stored in the step's own row, so a
    /// step commit writes one row.
    public var attemptLog: [AttemptRecord]

    public init(
        instance: Int64, key: StepKey, seq: Int64, status: StepStatus, attempts: Int = 0,
        config: StepConfig? = nil, output: Data? = nil, error: ErrorInfo? = nil,
        startedAt: Date, endedAt: Date? = nil, wakeAt: Date? = nil, eventType: String? = nil,
        attemptLog: [AttemptRecord] = []
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
        self.attemptLog = attemptLog
    }

    /// Starts attempt `attempts + 1` at `at` and returns its number.
    public mutating func beginAttempt(at: Date) -> Int {
        attempts += 1
        attemptLog.append(AttemptRecord(instance: instance, name: key.name, count: key.count, attempt: attempts, startedAt: at))
        return attempts
    }

    /// Ends the latest attempt (a success when `error` is nil).
    public mutating func endAttempt(at: Date, error: ErrorInfo?) {
        guard let last = attemptLog.indices.last else { return }
        attemptLog[last].endedAt = at
        attemptLog[last].success = error == nil
        attemptLog[last].error = error
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
