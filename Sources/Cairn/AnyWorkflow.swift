/// A workflow with its type erased, so code that chooses a workflow at run time (a config
/// entry's factory, a plugin) can hand it on without knowing its `Params` and `Output`.
///
/// ```swift
/// let workflow = AnyWorkflow(IPReport(source: url))
/// ```
public struct AnyWorkflow: Sendable {
    /// The wrapped workflow.
    public let base: any Workflow

    public init(_ workflow: some Workflow) {
        base = workflow
    }

    /// The wrapped workflow's Swift type name, for messages.
    public var typeName: String { String(describing: type(of: base)) }
}
