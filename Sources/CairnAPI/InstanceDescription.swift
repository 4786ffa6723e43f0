import Cairn
import Foundation

/// `GET /workflows/{name}/instances/{id}`: the summary plus params, outcome and the step
/// history with attempts, after Cloudflare's instance status.
public struct InstanceDescription: Codable, Sendable, Hashable {
    public var summary: InstanceSummary
    public var params: JSONValue?
    public var output: JSONValue?
    public var error: ErrorInfo?
    /// `null` until the instance has finished; then whether it completed.
    public var success: Bool?
    public var pausedOn: Date?
    public var steps: [StepDescription]

    public init(summary: InstanceSummary, params: JSONValue?, output: JSONValue?, error: ErrorInfo?, success: Bool?,
                pausedOn: Date?, steps: [StepDescription]) {
        self.summary = summary
        self.params = params
        self.output = output
        self.error = error
        self.success = success
        self.pausedOn = pausedOn
        self.steps = steps
    }

    struct Trigger: Codable, Hashable { var source: String }

    enum CodingKeys: String, CodingKey {
        case params, output, error, success, trigger, steps
        case pausedOn = "paused_on"
        case stepCount = "step_count"
    }

    public init(from decoder: any Decoder) throws {
        summary = try InstanceSummary(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        params = try container.decodeIfPresent(JSONValue.self, forKey: .params)
        output = try container.decodeIfPresent(JSONValue.self, forKey: .output)
        error = try container.decodeIfPresent(ErrorInfo.self, forKey: .error)
        success = try container.decodeIfPresent(Bool.self, forKey: .success)
        pausedOn = try container.decodeTimestampIfPresent(.pausedOn)
        steps = try container.decodeIfPresent([StepDescription].self, forKey: .steps) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        try summary.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(params ?? .null, forKey: .params)
        try container.encode(output ?? .null, forKey: .output)
        try container.encode(error, forKey: .error)
        try container.encode(success, forKey: .success)
        try container.encode(Trigger(source: summary.triggerSource), forKey: .trigger)
        try container.encodeTimestamp(pausedOn, forKey: .pausedOn)
        try container.encode(steps, forKey: .steps)
        try container.encode(steps.count, forKey: .stepCount)
    }
}

/// One step of an instance. `type` is `step` (a `do`), `sleep` or `waitForEvent`; `name`
/// carries the occurrence (`fetch-1`). `do` steps have `success`, `attempts` and `config`;
/// sleeps and waits have `finished`, waits also `event_type`.
public struct StepDescription: Codable, Sendable, Hashable {
    public var type: String
    public var name: String
    /// `running`, `retrying`, `succeeded`, `failed`, `sleeping`, `slept`, `waiting`, `received`, `timedOut`.
    public var status: String
    public var start: Date
    public var end: Date?
    public var output: JSONValue?
    public var error: ErrorInfo?
    public var wakeAt: Date?
    public var success: Bool?
    public var attempts: [AttemptDescription]
    public var config: JSONValue?
    public var finished: Bool?
    public var eventType: String?

    public init(
        type: String, name: String, status: String, start: Date, end: Date? = nil, output: JSONValue? = nil,
        error: ErrorInfo? = nil, wakeAt: Date? = nil, success: Bool? = nil, attempts: [AttemptDescription] = [],
        config: JSONValue? = nil, finished: Bool? = nil, eventType: String? = nil
    ) {
        self.type = type
        self.name = name
        self.status = status
        self.start = start
        self.end = end
        self.output = output
        self.error = error
        self.wakeAt = wakeAt
        self.success = success
        self.attempts = attempts
        self.config = config
        self.finished = finished
        self.eventType = eventType
    }

    enum CodingKeys: String, CodingKey {
        case type, name, status, start, end, output, error, success, attempts, config, finished
        case wakeAt = "wake_at"
        case eventType = "event_type"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(String.self, forKey: .type)
        name = try container.decode(String.self, forKey: .name)
        status = try container.decode(String.self, forKey: .status)
        start = try container.decodeTimestamp(.start)
        end = try container.decodeTimestampIfPresent(.end)
        output = try container.decodeIfPresent(JSONValue.self, forKey: .output)
        error = try container.decodeIfPresent(ErrorInfo.self, forKey: .error)
        wakeAt = try container.decodeTimestampIfPresent(.wakeAt)
        success = try container.decodeIfPresent(Bool.self, forKey: .success)
        attempts = try container.decodeIfPresent([AttemptDescription].self, forKey: .attempts) ?? []
        config = try container.decodeIfPresent(JSONValue.self, forKey: .config)
        finished = try container.decodeIfPresent(Bool.self, forKey: .finished)
        eventType = try container.decodeIfPresent(String.self, forKey: .eventType)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        try container.encode(name, forKey: .name)
        try container.encode(status, forKey: .status)
        try container.encodeTimestamp(start, forKey: .start)
        try container.encodeTimestamp(end, forKey: .end)
        try container.encode(output ?? .null, forKey: .output)
        try container.encode(error, forKey: .error)
        try container.encodeTimestamp(wakeAt, forKey: .wakeAt)
        switch type {
        case "step":
            try container.encode(success, forKey: .success)
            try container.encode(attempts, forKey: .attempts)
            try container.encodeIfPresent(config, forKey: .config)
        case "waitForEvent":
            try container.encode(finished ?? false, forKey: .finished)
            try container.encode(eventType, forKey: .eventType)
        default:
            try container.encode(finished ?? false, forKey: .finished)
        }
    }
}

/// One attempt of a `do` step; `success` is `null` while it runs.
public struct AttemptDescription: Codable, Sendable, Hashable {
    public var attempt: Int
    public var start: Date
    public var end: Date?
    public var success: Bool?
    public var error: ErrorInfo?

    public init(attempt: Int, start: Date, end: Date? = nil, success: Bool? = nil, error: ErrorInfo? = nil) {
        self.attempt = attempt
        self.start = start
        self.end = end
        self.success = success
        self.error = error
    }

    enum CodingKeys: String, CodingKey { case attempt, start, end, success, error }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        attempt = try container.decode(Int.self, forKey: .attempt)
        start = try container.decodeTimestamp(.start)
        end = try container.decodeTimestampIfPresent(.end)
        success = try container.decodeIfPresent(Bool.self, forKey: .success)
        error = try container.decodeIfPresent(ErrorInfo.self, forKey: .error)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(attempt, forKey: .attempt)
        try container.encodeTimestamp(start, forKey: .start)
        try container.encodeTimestamp(end, forKey: .end)
        try container.encode(success, forKey: .success)
        try container.encode(error, forKey: .error)
    }
}
