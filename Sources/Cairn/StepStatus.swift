/// The state of a step, as stored and as the status API reports it.
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
