import Cairn
import Foundation

/// Why a lifetime stops executing `run` before it returns. Thrown through the workflow's
/// code; once one is raised the lifetime is poisoned and every later step call rethrows
/// it, so code that catches everything still cannot continue.
enum Interruption: Error, Sendable {
    /// Leave memory; replay at `wakeAt` (or when an event arrives).
    case suspend(wakeAt: Date, reason: WaitReason)
    /// A pause request reached a step boundary.
    case pause
    /// Graceful shutdown: commit what is buffered (a finished step's result), then leave
    /// the instance as it is for the next start to replay.
    case drain
    /// Terminated, restarted, superseded or the grace period is over: write nothing more.
    case stop
    /// The workflow broke a rule; the instance ends `errored` with this error.
    case fatal(ErrorInfo)

    /// From this strength on (fatal, stop) running step bodies are abandoned.
    static let abandonsBodies = 3

    /// When two interruptions meet, the stronger wins.
    var strength: Int {
        switch self {
        case .suspend: 0
        case .pause: 1
        case .drain: 2
        case .fatal: 3
        case .stop: 4
        }
    }
}
