import Foundation

/// One tick of a backfill window and whether it created its instance.
public struct BackfillTick: Sendable, Hashable {
    public var tick: Date
    public var instance: String
    /// `false` when the instance already existed (the tick fired before, or an earlier backfill).
    public var created: Bool
}
