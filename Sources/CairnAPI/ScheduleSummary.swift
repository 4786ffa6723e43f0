import Foundation

/// A schedule in `GET /schedules` (and at the top of `GET /schedules/{name}`). Times are
/// ISO 8601 UTC strings with milliseconds (``Timestamp``); absent ones are `null`.
public struct ScheduleSummary: Codable, Sendable, Hashable {
    public var name: String
    public var cron: String
    public var timezone: String
    public var workflow: String
    public var paused: Bool
    /// `config` or `api` while paused.
    public var pausedBy: String?
    /// In the ledger but no longer in the config; its ticks have stopped.
    public var orphaned: Bool
    /// The next tick's scheduled time, and when it is due (plus jitter).
    public var nextTick: String?
    public var nextFireAt: String?
    public var lastTick: String?
    /// `fired`, `skipped`, `missed`, `buffered` or `failed`.
    public var lastOutcome: String?
    public var lastInstanceId: String?
    public var bufferedTick: String?
    /// Every tick up to here has been evaluated.
    public var highWater: String
    public var catchUp: String
    public var overlap: String
    public var jitterSeconds: Double?

    public init(name: String, cron: String, timezone: String, workflow: String, paused: Bool, pausedBy: String?, orphaned: Bool,
                nextTick: String?, nextFireAt: String?, lastTick: String?, lastOutcome: String?, lastInstanceId: String?,
                bufferedTick: String?, highWater: String, catchUp: String, overlap: String, jitterSeconds: Double?) {
        self.name = name
        self.cron = cron
        self.timezone = timezone
        self.workflow = workflow
        self.paused = paused
        self.pausedBy = pausedBy
        self.orphaned = orphaned
        self.nextTick = nextTick
        self.nextFireAt = nextFireAt
        self.lastTick = lastTick
        self.lastOutcome = lastOutcome
        self.lastInstanceId = lastInstanceId
        self.bufferedTick = bufferedTick
        self.highWater = highWater
        self.catchUp = catchUp
        self.overlap = overlap
        self.jitterSeconds = jitterSeconds
    }

    enum CodingKeys: String, CodingKey {
        case name, cron, timezone, workflow, paused, orphaned, overlap
        case pausedBy = "paused_by"
        case nextTick = "next_tick"
        case nextFireAt = "next_fire_at"
        case lastTick = "last_tick"
        case lastOutcome = "last_outcome"
        case lastInstanceId = "last_instance_id"
        case bufferedTick = "buffered_tick"
        case highWater = "high_water"
        case catchUp = "catch_up"
        case jitterSeconds = "jitter_seconds"
    }

    /// Every key is written, absent values as `null`, so clients see one shape.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(cron, forKey: .cron)
        try container.encode(timezone, forKey: .timezone)
        try container.encode(workflow, forKey: .workflow)
        try container.encode(paused, forKey: .paused)
        try container.encode(pausedBy, forKey: .pausedBy)
        try container.encode(orphaned, forKey: .orphaned)
        try container.encode(nextTick, forKey: .nextTick)
        try container.encode(nextFireAt, forKey: .nextFireAt)
        try container.encode(lastTick, forKey: .lastTick)
        try container.encode(lastOutcome, forKey: .lastOutcome)
        try container.encode(lastInstanceId, forKey: .lastInstanceId)
        try container.encode(bufferedTick, forKey: .bufferedTick)
        try container.encode(highWater, forKey: .highWater)
        try container.encode(catchUp, forKey: .catchUp)
        try container.encode(overlap, forKey: .overlap)
        try container.encode(jitterSeconds, forKey: .jitterSeconds)
    }
}

/// `GET /schedules`.
public struct ScheduleList: Codable, Sendable, Hashable {
    public var schedules: [ScheduleSummary]
    public init(schedules: [ScheduleSummary]) { self.schedules = schedules }
}
