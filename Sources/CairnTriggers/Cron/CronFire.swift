import Foundation

/// A fire time of a cron expression.
public struct CronFire: Sendable, Hashable {
    /// When it fires.
    public var date: Date
    /// The nominal local time did not exist (a DST gap) and the fire moved to the first valid
    /// minute after the gap.
    public var movedByGap: Bool

    /// A fire at `date`, moved out of a DST gap or not.
    public init(date: Date, movedByGap: Bool = false) {
        self.date = date
        self.movedByGap = movedByGap
    }
}
