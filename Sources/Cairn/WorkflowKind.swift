/// A workflow that says what kind it is when listed (`pipeline` for one declared in the
/// config); others are listed as `swift`.
public protocol WorkflowKindNaming: Sendable {
    /// `pipeline`, say.
    var workflowKind: String { get }
}
