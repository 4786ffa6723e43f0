import Foundation

/// A schedule as `GET /schedules` reports it: its definition, where its ledger stands and
/// when it fires next.
public struct ScheduleStatus: Sendable, Hashable {
    /// The schedule's name (part of each tick's instance ID).
    public var name: String
    /// The expression as configured.
    public var cron: String
    /// The IANA zone the expression is read in.
    public var timeZone: String
    /// The workflow each tick starts.
    public var workflow: String
    /// Whether ticks are skipped now.
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
    /// The newest evaluated tick, its outcome and its instance (if it fired).
    public var lastTick: Date?
    public var lastOutcome: String?
    public var lastInstance: String?
    /// The tick waiting under `overlap = "buffer_one"`, if any.
    public var bufferedTick: Date?
    /// `latest`, `all` or `none`; `allow`, `skip` or `buffer_one`; the jitter bound.
    public var catchUp: String
    public var overlap: String
    public var jitterSeconds: Double?
}
