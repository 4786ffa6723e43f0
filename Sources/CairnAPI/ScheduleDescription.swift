import Foundation

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
