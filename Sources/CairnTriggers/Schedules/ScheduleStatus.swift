import Foundation

/// A schedule as `GET /schedules` reports it: its definition, where its ledger stands and
/// when it fires next.
public struct ScheduleStatus: Sendable, Hashable {
    public var name: String
    public var cron: String
    public var timeZone: String
    public var workflow: String
    public var paused: Bool
    /// `config` or `api` (a `PATCH` that is kept across restarts).
    public var pausedBy: String?
    /// In the ledger but no longer in the config: its ticks have stopped.
    public var orphaned: Bool
    /// The next tick's scheduled time (`nil` when paused, orphaned or never again).
    public var nextTick: Date?
    /// When that tick is due (its time plus the jitter).
    public var nextFireAt: Date?
    /// Every tick up to here has been evaluated.
    public var highWater: Date
    public var lastTick: Date?
    public var lastOutcome: String?
    public var lastInstance: String?
    public var bufferedTick: Date?
    public var catchUp: String
    public var overlap: String
    public var jitterSeconds: Double?
}

/// A schedule with its recent ticks and configuration changes (`GET /schedules/{name}`).
public struct ScheduleDetail: Sendable, Hashable {
    public var status: ScheduleStatus
    /// Newest first.
    public var ticks: [TickRecord]
    /// Newest first, at most 20.
    public var audit: [AuditEntry]
}

/// One tick of a backfill window and whether it created its instance.
public struct BackfillTick: Sendable, Hashable {
    public var tick: Date
    public var instance: String
    /// `false` when the instance already existed (the tick fired before, or an earlier backfill).
    public var created: Bool
}
