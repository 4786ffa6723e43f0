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
    /// One time the data directory's file system was full (commits failed meanwhile).
    struct FullDisk {
        var from: Date
        var to: Date
        /// When `/readyz` answered 200 again after the space returned.
        var recovered: Date?
        /// Whether the appliance was restarted between the fill and its recovery.
        var restarted = false
    }

    var fullDisks: [FullDisk] = []

    var kills: Int { stops.filter { $0.signal == "SIGKILL" }.count }
    var drains: Int { stops.filter { $0.signal == "SIGTERM" }.count }

    /// Whether something that keeps a step's result from committing happened between two
    /// moments: a kill (a SIGKILL, or a drain that had to be killed), or a full disk. A drain
    /// that ended in time must re-run nothing.
    func interrupted(between first: Date, and second: Date) -> Bool {
        stops.contains { $0.signal == "SIGKILL" && $0.at >= first.addingTimeInterval(-0.05) && $0.at <= second }
            || fullDisks.contains { $0.from <= second && $0.to.addingTimeInterval(0.5) >= first }
    }

    /// Whether the appliance was expected to be unavailable at `moment`: stopped or
    /// restarting (from the signal until ready, plus `slack`), or on a full disk (from the
    /// fill until ready again, plus `slack`).
    func unavailable(at moment: Date, slack: TimeInterval = 2) -> Bool {
        stops.contains { $0.at <= moment && ($0.restartedAt ?? .distantFuture).addingTimeInterval(slack) >= moment }
            || fullDisks.contains { $0.from <= moment && ($0.recovered ?? .distantFuture).addingTimeInterval(slack) >= moment }
    }
}
