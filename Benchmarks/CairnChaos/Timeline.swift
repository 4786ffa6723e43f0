import Foundation

/// What the harness did to the appliance and when: each stop (SIGKILL or SIGTERM) with the
/// moments the process was gone, so a step body that ran twice can be matched to a stop.
struct Timeline {
    struct Stop {
        var signal: String
        var at: Date
        var restartedAt: Date?
        /// A SIGTERM drain that did not end within the grace (escalated to SIGKILL).
        var escalated = false
    }

    var startedAt = Date()
    var stops: [Stop] = []

    var kills: Int { stops.filter { $0.signal == "SIGKILL" }.count }
    var drains: Int { stops.filter { $0.signal == "SIGTERM" }.count }

    /// Whether a kill (a SIGKILL, or a drain that had to be killed) lies between two moments:
    /// a drain that ended in time must re-run nothing.
    func killed(between first: Date, and second: Date) -> Bool {
        stops.contains { $0.signal == "SIGKILL" && $0.at >= first.addingTimeInterval(-0.05) && $0.at <= second }
    }
}
