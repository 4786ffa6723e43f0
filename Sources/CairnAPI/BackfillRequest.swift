import Foundation

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
