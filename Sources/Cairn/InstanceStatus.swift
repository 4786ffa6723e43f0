/// The lifecycle state of a workflow instance, with the same values as Cloudflare Workflows.
public enum InstanceStatus: String, Codable, Sendable, CaseIterable {
    /// Created; waiting for a concurrency slot or for the engine to start it.
    case queued
    /// Executing steps.
    case running
    /// Paused by a user; no progress until resumed.
    case paused
    /// Ended by an uncaught error.
    case errored
    /// Ended by a user.
    case terminated
    /// `run` returned; the output is stored.
    case complete
    /// Sleeping, backing off before a retry, or waiting for an event (see `waitingFor`).
    case waiting
    /// A pause was requested; the running step finishes first.
    case waitingForPause
    /// A state this version does not recognise.
    case unknown

    /// Whether the instance has ended for good (`complete`, `errored`, `terminated`).
    public var isFinished: Bool {
        switch self {
        case .complete, .errored, .terminated: true
        default: false
        }
    }
}

/// What a `waiting` instance waits for.
public enum WaitReason: String, Codable, Sendable {
    case sleep
    case retry
    case event
}
