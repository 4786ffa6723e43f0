import Cairn
import Foundation

/// One `[[schedules]]` entry: when to start which workflow, and what to do about missed
/// and overlapping ticks.
///
/// ```swift
/// let nightly = try ScheduleDefinition(name: "nightly", cron: CronExpression("0 3 * * *"), workflow: "report",
///                                      timeZone: TimeZone(identifier: "Europe/Berlin")!)
/// ```
public struct ScheduleDefinition: Sendable, Hashable {
    /// After downtime, which missed ticks still fire.
    public enum CatchUp: Sendable, Hashable {
        /// Only the latest missed tick, and only if it is at most `window` old (`nil`: one
        /// period of the expression, capped at 24 hours).
        case latest(window: Duration?)
        /// Every missed tick in order, at most `max` of them (the oldest beyond it are missed).
        case all(max: Int)
        /// None: missed ticks are recorded as missed.
        case none

        /// The config spelling (`latest`, `all`, `none`).
        public var name: String {
            switch self {
            case .latest: "latest"
            case .all: "all"
            case .none: "none"
            }
        }
    }

    /// What a tick does while the previous instance of the schedule is unfinished.
    public enum Overlap: String, Sendable, Hashable, CaseIterable {
        /// Start anyway (crontab, Cloudflare).
        case allow
        /// Record the tick as skipped.
        case skip
        /// Keep at most one tick waiting; it starts when the previous instance finishes.
        case bufferOne = "buffer_one"
    }

    /// Letters, digits, `-` and `_`, at most ``maxNameLength`` characters: it becomes part of
    /// each tick's instance ID.
    public var name: String
    /// When it ticks (minute resolution, in ``timeZone``).
    public var cron: CronExpression
    /// The workflow each tick starts (a configured workflow name).
    public var workflow: String
    /// The zone the expression is read in (default UTC), with Vixie cron's DST rule.
    public var timeZone: TimeZone
    /// Merged into each instance's params (a JSON object).
    public var params: [String: JSONValue]
    /// Paused in the config; `cairn schedules pause|resume` overrides it (persisted).
    public var paused: Bool
    /// What fires after downtime (default ``CatchUp/latest(window:)`` with one period).
    public var catchUp: CatchUp
    /// What a tick does while the previous instance runs (default ``Overlap/allow``).
    public var overlap: Overlap
    /// A deterministic delay per tick: hash(name, tick) modulo min(jitter, period).
    public var jitter: Duration?
    /// The entry's line in the config, for messages.
    public var line: Int?

    /// The longest schedule name: `cron-<name>-<stamp>` must fit an instance ID.
    public static let maxNameLength = 64
    /// `max_catch_up` when the config leaves it out.
    public static let defaultMaxCatchUp = 10
    /// The largest `max_catch_up` (beyond it, use `cairn schedules backfill`).
    public static let maxCatchUpLimit = 999

    /// A checked schedule; throws a ``TriggerError`` for a bad name or `max_catch_up`.

    public init(name: String, cron: CronExpression, workflow: String, timeZone: TimeZone = TimeZones.utc, params: [String: JSONValue] = [:],
                paused: Bool = false, catchUp: CatchUp = .latest(window: nil), overlap: Overlap = .allow, jitter: Duration? = nil,
                line: Int? = nil) throws {
        try Self.validate(name: name)
        self.name = name
        self.cron = cron
        self.workflow = workflow
        self.timeZone = timeZone
        self.params = params
        self.paused = paused
        self.catchUp = catchUp
        self.overlap = overlap
        self.jitter = jitter
        self.line = line
        if case .all(let max) = catchUp, !(1...Self.maxCatchUpLimit).contains(max) {
            throw TriggerError(.invalidSchedule, "Schedule '\(name)': max_catch_up is \(max); it must be from 1 to \(Self.maxCatchUpLimit) (the default is \(Self.defaultMaxCatchUp)). To fire no missed ticks, write catch_up = \"none\"; to replay a long window, use cairn schedules backfill.")
        }
    }

    /// Checks a schedule name.
    public static func validate(name: String) throws {
        let allowed = name.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_", "-": true
            default: false
            }
        }
        guard !name.isEmpty, name.count <= maxNameLength, allowed, !name.hasPrefix("-") else {
            throw TriggerError(.invalidSchedule, "The schedule name '\(name)' is not allowed: use 1 to \(maxNameLength) letters, digits, '-' and '_' (not starting with '-'); it becomes part of every tick's instance ID.")
        }
    }
}
