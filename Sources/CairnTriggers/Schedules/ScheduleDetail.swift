import Foundation

/// A schedule with its recent ticks and configuration changes (`GET /schedules/{name}`).
public struct ScheduleDetail: Sendable, Hashable {
    public var status: ScheduleStatus
    /// Newest first.
    public var ticks: [TickRecord]
    /// Newest first, at most 20.
    public var audit: [AuditEntry]
}
