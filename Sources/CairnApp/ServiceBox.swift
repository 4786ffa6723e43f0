import Synchronization

/// Holds a feature's service once the appliance has made it, so routes registered before
/// the engine exists (at build time) can reach it when a request comes.
final class ServiceBox<Value: Sendable>: Sendable {
    private let stored = Mutex<Value?>(nil)

    var value: Value? { stored.withLock { $0 } }

    func set(_ value: Value) { stored.withLock { $0 = value } }
}
