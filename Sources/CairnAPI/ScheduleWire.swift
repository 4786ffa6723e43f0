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

/// One tick from the ledger.
public struct ScheduleTick: Codable, Sendable, Hashable {
    public var tick: String
    public var outcome: String
    public var reason: String?
    public var instanceId: String?
    public var fireAt: String?
    public var recordedAt: String
    /// `schedule` or `backfill`.
    public var source: String

    public init(tick: String, outcome: String, reason: String?, instanceId: String?, fireAt: String?, recordedAt: String, source: String) {
        self.tick = tick
        self.outcome = outcome
        self.reason = reason
        self.instanceId = instanceId
        self.fireAt = fireAt
        self.recordedAt = recordedAt
        self.source = source
    }

    enum CodingKeys: String, CodingKey {
        case tick, outcome, reason, source
        case instanceId = "instance_id"
        case fireAt = "fire_at"
        case recordedAt = "recorded_at"
    }
}

/// A configuration change the ledger noticed (added, changed, orphaned, paused, …).
public struct ScheduleAuditEntry: Codable, Sendable, Hashable {
    public var at: String
    public var event: String
    public var detail: String
    public init(at: String, event: String, detail: String) {
        self.at = at
        self.event = event
        self.detail = detail
    }
}

/// `GET /schedules/{name}`: the schedule, its last ticks (newest first) and its audit trail.
public struct ScheduleDescription: Codable, Sendable, Hashable {
    public var schedule: ScheduleSummary
    public var ticks: [ScheduleTick]
    public var audit: [ScheduleAuditEntry]
    public init(schedule: ScheduleSummary, ticks: [ScheduleTick], audit: [ScheduleAuditEntry]) {
        self.schedule = schedule
        self.ticks = ticks
        self.audit = audit
    }
}

/// `PATCH /schedules/{name}` body.
public struct SchedulePatch: Codable, Sendable, Hashable {
    public var paused: Bool
    public init(paused: Bool) { self.paused = paused }
}

/// `POST /schedules/{name}/trigger` answer.
public struct ScheduleTriggered: Codable, Sendable, Hashable {
    public var workflow: String
    public var instanceId: String
    public init(workflow: String, instanceId: String) {
        self.workflow = workflow
        self.instanceId = instanceId
    }

    enum CodingKeys: String, CodingKey {
        case workflow
        case instanceId = "instance_id"
    }
}

/// `POST /schedules/{name}/backfill` body: the window `[from, to]` (ISO 8601), and whether
/// to only report what would be created.
public struct BackfillRequest: Codable, Sendable, Hashable {
    public var from: String
    public var to: String
    public var dryRun: Bool?
    public init(from: String, to: String, dryRun: Bool?) {
        self.from = from
        self.to = to
        self.dryRun = dryRun
    }

    enum CodingKeys: String, CodingKey {
        case from, to
        case dryRun = "dry_run"
    }
}

/// `POST /schedules/{name}/backfill` answer: every tick of the window, oldest first.
public struct BackfillResult: Codable, Sendable, Hashable {
    public struct Entry: Codable, Sendable, Hashable {
        public var tick: String
        public var instanceId: String
        /// `false` when the instance existed already (nothing was created).
        public var created: Bool
        public init(tick: String, instanceId: String, created: Bool) {
            self.tick = tick
            self.instanceId = instanceId
            self.created = created
        }

        enum CodingKeys: String, CodingKey {
            case tick, created
            case instanceId = "instance_id"
        }
    }

    public var schedule: String
    public var dryRun: Bool
    public var ticks: [Entry]
    public init(schedule: String, dryRun: Bool, ticks: [Entry]) {
        self.schedule = schedule
        self.dryRun = dryRun
        self.ticks = ticks
    }

    enum CodingKeys: String, CodingKey {
        case schedule, ticks
        case dryRun = "dry_run"
    }
}
