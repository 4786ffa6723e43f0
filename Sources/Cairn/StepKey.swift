/// The durable identity of a step call: its primitive, its name and its occurrence.
///
/// The k-th call with name N of one primitive maps to the same stored result on every
/// replay, so loops may reuse a name: each iteration gets its own slot.
public struct StepKey: Hashable, Sendable, CustomStringConvertible {
    public var kind: StepKind
    public var name: String
    public var count: Int

    public init(kind: StepKind, name: String, count: Int) {
        self.kind = kind
        self.name = name
        self.count = count
    }

    /// The name shown to users: `"fetch data-1"`.
    public var displayName: String { "\(name)-\(count)" }
    public var description: String { "\(kind.rawValue) '\(displayName)'" }
}

/// The step primitives. Occurrence counters are kept per primitive.
public enum StepKind: String, Hashable, Sendable, Codable {
    case `do` = "do"
    case sleep
    case waitForEvent
}
