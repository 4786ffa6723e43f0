import Foundation

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
