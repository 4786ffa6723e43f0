import Cairn
import Foundation

/// An instance that has just ended, as reported to ``Engine/onFinish(_:)`` observers.
public struct FinishedInstance: Sendable {
    public var workflow: String
    public var id: String
    public var status: InstanceStatus
    public var at: Date
    /// Why it ended, for an instance that errored (or was failed from outside).
    public var error: ErrorInfo? = nil
}
