import Foundation

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
