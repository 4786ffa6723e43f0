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

/// The state of a stored step.
public enum StepStatus: String, Sendable, Hashable, Codable {
    /// A `do` attempt is running (or was, when the process died).
    case running
    /// A `do` attempt failed; the next one is due at `wakeAt`.
    case retrying
    /// A `do` returned; `output` holds its JSON.
    case succeeded
    /// A `do` failed for good; `error` holds the last error.
    case failed
    /// A sleep is in progress until `wakeAt`.
    case sleeping
    /// A sleep has ended.
    case slept
    /// A `waitForEvent` is waiting; it times out at `wakeAt`.
    case waiting
    /// A `waitForEvent` received its event (`output` holds it).
    case received
    /// A `waitForEvent` timed out.
    case timedOut

    /// Whether replay returns (or rethrows) this step without executing it.
    public var isFinished: Bool {
        switch self {
        case .succeeded, .failed, .slept, .received, .timedOut: true
        case .running, .retrying, .sleeping, .waiting: false
        }
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
