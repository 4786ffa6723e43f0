import Foundation

/// What the harness did to the appliance and when: each stop (SIGKILL or SIGTERM) with the
/// moments the process was gone, so a step body that ran twice can be matched to a stop.
struct Timeline {
    struct Stop {
        var signal: String
        var at: Date
        var restartedAt: Date?
        /// When the harness saw the process gone, and how it ended (`exit 0`, `signal 9`).
        var diedAt: Date?
        var exit = ""
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
        /// Whether `/readyz` said the disk was full while it was.
        var refusalSeen = false
    }

    var fullDisks: [FullDisk] = []

    var kills: Int { stops.filter { $0.signal == "SIGKILL" }.count }
    var drains: Int { stops.filter { $0.signal == "SIGTERM" }.count }

    /// Whether something that keeps a step's result from committing happened to an
    /// execution at `first` that ran again at `second`: a kill (a SIGKILL, or a drain that had
    /// to be killed) sent before `second` while that execution could still have been running
    /// (it started before the process was gone; 1 s of slack for the ledger's clock), or a
    /// full disk while the execution ran or committed. A drain that ended in time must re-run
    /// nothing.
    func interrupted(between first: Date, and second: Date) -> Bool {
        stops.contains { $0.signal == "SIGKILL" && $0.at <= second && ($0.diedAt ?? $0.at).addingTimeInterval(1) >= first }
            || fullDisks.contains { first >= $0.from.addingTimeInterval(-1) && first <= $0.to.addingTimeInterval(0.5) && second >= $0.from }
    }

    /// Whether the appliance was expected to be unavailable at some moment of a request sent
    /// at `sent` that ended at `ended`: stopped or restarting (from the signal until ready,
    /// plus `slack`), or on a full disk (from the fill until ready again, plus `slack`).
    func unavailable(from sent: Date, to ended: Date, slack: TimeInterval = 2) -> Bool {
        stops.contains { $0.at <= ended && ($0.restartedAt ?? .distantFuture).addingTimeInterval(slack) >= sent }
            || fullDisks.contains { $0.from <= ended && ($0.recovered ?? .distantFuture).addingTimeInterval(slack) >= sent }
    }
}
