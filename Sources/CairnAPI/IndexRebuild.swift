import Foundation

/// The answer to `POST /indexes/{name}/rebuild`: the instance of `cairn-index-rebuild`
/// that re-embeds the index, new or the one already running; or, when the index is in the
/// configured space already (and `force` was not asked), no instance and status `up_to_date`.
public struct IndexRebuild: Codable, Sendable, Hashable {
    /// The index's name.
    public var index: String
    /// The built-in workflow that rebuilds (`cairn-index-rebuild`).
    public var workflow: String
    /// Its instance; `nil` when there was nothing to rebuild.
    public var instanceID: String?
    /// `false` when a rebuild from the same version was already started.
    public var created: Bool
    /// The instance's status, or `up_to_date` when no instance was needed.
    public var status: String
    /// The space the index's vectors are in now, and the one the config names.
    public var fromSpace: String?
    public var toSpace: String
    /// The chunks the index shows now.
    public var chunks: Int

    /// An answer as the route gives it.

    public init(index: String, workflow: String, instanceID: String?, created: Bool, status: String, fromSpace: String?, toSpace: String, chunks: Int) {
        self.index = index
        self.workflow = workflow
        self.instanceID = instanceID
        self.created = created
        self.status = status
        self.fromSpace = fromSpace
        self.toSpace = toSpace
        self.chunks = chunks
    }

    enum CodingKeys: String, CodingKey {
        case index, workflow, created, status, chunks
        case instanceID = "instance_id", fromSpace = "from_space", toSpace = "to_space"
    }
}
