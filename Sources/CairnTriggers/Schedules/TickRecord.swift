import CairnStore
import Foundation

/// What became of one tick of a schedule, as the ledger keeps it.
public struct TickRecord: Sendable, Hashable {
    public enum Outcome: String, Sendable, Hashable, CaseIterable {
        /// Its instance was created (`instance`).
        case fired
        /// Not fired on purpose: `paused`, `overlap`, `overlap_buffer_full`.
        case skipped
        /// Not fired because Cairn was not running (or was late) at its time; the reason names
        /// the catch-up rule that dropped it.
        case missed
        /// Waiting for the previous instance to finish (`overlap = "buffer_one"`).
        case buffered
        /// Creating its instance failed; `reason` holds the error.
        case failed
    }

    /// The nominal scheduled time.
    public var tick: Date
    /// What became of it.
    public var outcome: Outcome
    /// `code: sentence` for skipped, missed and buffered ticks; the error for failed ones.
    public var reason: String?
    /// The instance ID it created (or would have, for a failure).
    public var instance: String?
    /// The scheduled time plus the jitter: when it was due to fire.
    public var fireAt: Date?
    /// When the ledger row was written.
    public var recordedAt: Date
    /// `schedule` for the schedule's own evaluation, `backfill` for a backfill.
    public var source: String
    /// How many ticks this row stands for (a summary row of a long downtime counts them all;
    /// metrics only, not stored).
    var represents = 1

    /// A ledger row (tests and tools build them; the service writes them).
    public init(tick: Date, outcome: Outcome, reason: String? = nil, instance: String? = nil, fireAt: Date? = nil, recordedAt: Date, source: String = "schedule") {
        self.tick = tick
        self.outcome = outcome
        self.reason = reason
        self.instance = instance
        self.fireAt = fireAt
        self.recordedAt = recordedAt
        self.source = source
    }

    init(_ row: SQLRow) {
        tick = row.time("tick") ?? Date(timeIntervalSince1970: 0)
        outcome = Outcome(rawValue: row["outcome"].text ?? "") ?? .failed
        reason = row["reason"].text
        instance = row["instance"].text
        fireAt = row.time("fire_at")
        recordedAt = row.time("recorded_at") ?? Date(timeIntervalSince1970: 0)
        source = row["source"].text ?? "schedule"
    }
}
