/// `GET /workflows/{name}` and the items of `GET /workflows`: a workflow and its instance
/// counts by status (every status but `unknown`, zeros included).
public struct WorkflowSummary: Codable, Sendable, Hashable {
    public var name: String
    /// `swift` (registered in code or a `[[workflows]]` type) or `pipeline` (a `[[pipelines]]` entry).
    public var kind: String?
    /// Keyed by status raw value (`queued`, `running`, `waitingForPause`…).
    public var instances: [String: Int]

    public init(name: String, kind: String? = nil, instances: [String: Int]) {
        self.name = name
        self.kind = kind
        self.instances = instances
    }
}

/// `GET /workflows`.
public struct WorkflowList: Codable, Sendable, Hashable {
    public var workflows: [WorkflowSummary]
    public init(workflows: [WorkflowSummary]) { self.workflows = workflows }
}
