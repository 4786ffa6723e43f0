import Cairn
import Foundation

/// An instance in a list, and the answer to creating one: identity, status and timestamps.
///
/// Wire format: snake_case keys; `started_on` and `ended_on` are `null` until set;
/// `waiting_for` and `wake_at` appear only while the instance waits.
public struct InstanceSummary: Codable, Sendable, Hashable {
    public var id: String
    public var workflow: String
    public var status: InstanceStatus
    /// Who created it: `api`, `cron`, `webhook`…
    public var triggerSource: String
    public var createdOn: Date
    public var modifiedOn: Date
    public var startedOn: Date?
    public var endedOn: Date?
    public var waitingFor: WaitReason?
    public var wakeAt: Date?

    public init(
        id: String, workflow: String, status: InstanceStatus, triggerSource: String, createdOn: Date, modifiedOn: Date,
        startedOn: Date? = nil, endedOn: Date? = nil, waitingFor: WaitReason? = nil, wakeAt: Date? = nil
    ) {
        self.id = id
        self.workflow = workflow
        self.status = status
        self.triggerSource = triggerSource
        self.createdOn = createdOn
        self.modifiedOn = modifiedOn
        self.startedOn = startedOn
        self.endedOn = endedOn
        self.waitingFor = waitingFor
        self.wakeAt = wakeAt
    }

    enum CodingKeys: String, CodingKey {
        case id, workflow, status
        case triggerSource = "trigger_source"
        case createdOn = "created_on"
        case modifiedOn = "modified_on"
        case startedOn = "started_on"
        case endedOn = "ended_on"
        case waitingFor = "waiting_for"
        case wakeAt = "wake_at"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        workflow = try container.decode(String.self, forKey: .workflow)
        status = (try? container.decode(InstanceStatus.self, forKey: .status)) ?? .unknown
        triggerSource = try container.decode(String.self, forKey: .triggerSource)
        createdOn = try container.decodeTimestamp(.createdOn)
        modifiedOn = try container.decodeTimestamp(.modifiedOn)
        startedOn = try container.decodeTimestampIfPresent(.startedOn)
        endedOn = try container.decodeTimestampIfPresent(.endedOn)
        waitingFor = try? container.decodeIfPresent(WaitReason.self, forKey: .waitingFor)
        wakeAt = try container.decodeTimestampIfPresent(.wakeAt)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try encode(into: &container)
    }

    func encode(into container: inout KeyedEncodingContainer<CodingKeys>) throws {
        try container.encode(id, forKey: .id)
        try container.encode(workflow, forKey: .workflow)
        try container.encode(status, forKey: .status)
        try container.encode(triggerSource, forKey: .triggerSource)
        try container.encodeTimestamp(createdOn, forKey: .createdOn)
        try container.encodeTimestamp(modifiedOn, forKey: .modifiedOn)
        try container.encodeTimestamp(startedOn, forKey: .startedOn)
        try container.encodeTimestamp(endedOn, forKey: .endedOn)
        try container.encodeIfPresent(waitingFor, forKey: .waitingFor)
        if let wakeAt { try container.encodeTimestamp(wakeAt, forKey: .wakeAt) }
    }
}

/// `GET /workflows/{name}/instances`: one page, newest first; `cursor` is `null` on the last page.
public struct InstancePage: Codable, Sendable, Hashable {
    public var instances: [InstanceSummary]
    /// Pass as `?cursor=` for the next page.
    public var cursor: String?

    public init(instances: [InstanceSummary], cursor: String?) {
        self.instances = instances
        self.cursor = cursor
    }

    enum CodingKeys: String, CodingKey { case instances, cursor }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(instances, forKey: .instances)
        try container.encode(cursor, forKey: .cursor)
    }
}

/// `POST /workflows/{name}/instances/batch`: the instances created, and the IDs skipped
/// because they already existed.
public struct BatchCreated: Codable, Sendable, Hashable {
    public var instances: [InstanceSummary]
    public var skipped: [String]

    public init(instances: [InstanceSummary], skipped: [String]) {
        self.instances = instances
        self.skipped = skipped
    }
}

/// `POST /workflows/{name}/instances`: both fields optional (a generated ID, `{}` params).
public struct CreateInstance: Codable, Sendable, Hashable {
    public var id: String?
    public var params: JSONValue?

    public init(id: String? = nil, params: JSONValue? = nil) {
        self.id = id
        self.params = params
    }
}

/// `PATCH …/status`: `pause`, `resume`, `terminate` or `restart`.
public struct StatusChangeRequest: Codable, Sendable, Hashable {
    public var status: String
    public init(status: String) { self.status = status }
}

/// The answer to a status change: the instance's status after it, and when.
public struct StatusChange: Codable, Sendable, Hashable {
    public var id: String
    public var status: InstanceStatus
    public var timestamp: Date

    public init(id: String, status: InstanceStatus, timestamp: Date) {
        self.id = id
        self.status = status
        self.timestamp = timestamp
    }

    enum CodingKeys: String, CodingKey { case id, status, timestamp }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        status = (try? container.decode(InstanceStatus.self, forKey: .status)) ?? .unknown
        timestamp = try container.decodeTimestamp(.timestamp)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(status, forKey: .status)
        try container.encodeTimestamp(timestamp, forKey: .timestamp)
    }
}

/// The answer to `POST …/events/{type}` once the event is committed.
public struct EventAccepted: Codable, Sendable, Hashable {
    public var id: String
    public var type: String
    public var accepted: Bool

    public init(id: String, type: String, accepted: Bool = true) {
        self.id = id
        self.type = type
        self.accepted = accepted
    }
}
