import CairnEngine

/// Thrown inside a delivery's transaction when a concurrent repeat recorded it first: the
/// event is undone and the repeat answered like any other.
struct DuplicateDelivery: Error, CustomStringConvertible {
    static let marker = "duplicate webhook delivery"
    var description: String { Self.marker }

    /// Whether the engine error is this one, thrown inside the transaction (the store
    /// reports a feature's own error as `rejected` with its description).
    static func matches(_ error: EngineError) -> Bool {
        error.code == .rejected && error.message == marker
    }
}
