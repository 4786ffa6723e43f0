import Synchronization

/// A one-shot rendezvous that any number of tasks may await. Firing delivers the value to
/// every waiter, each resumed exactly once; a waiter that starts after the fire gets the
/// value at once. Cancelling a waiting task resumes only that waiter (with
/// `CancellationError`); the others keep waiting.
final class Signal<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var waiters: [UInt64: CheckedContinuation<Value, any Error>] = [:]
        /// Waiters cancelled before their continuation was registered.
        var cancelledEarly: Set<UInt64> = []
        var nextID: UInt64 = 0
    }

    private let state = Mutex<State>(State())

    /// Delivers `value` unless something was delivered already. Returns whether it was taken.
    @discardableResult
    func fire(_ value: Value) -> Bool {
        let waiters: [CheckedContinuation<Value, any Error>]? = state.withLock { state in
            guard state.value == nil else { return nil }
            state.value = value
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        guard let waiters else { return false }
        for waiter in waiters { waiter.resume(returning: value) }
        return true
    }

    var isFired: Bool { state.withLock { $0.value != nil } }

    /// The number of tasks waiting now (for tests).
    var waiterCount: Int { state.withLock { $0.waiters.count } }

    func wait() async throws -> Value {
        let id = state.withLock { state -> UInt64 in
            defer { state.nextID += 1 }
            return state.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let ready: Result<Value, any Error>? = state.withLock { state in
                    if let value = state.value { return .success(value) }
                    if state.cancelledEarly.remove(id) != nil { return .failure(CancellationError()) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Value, any Error>? in
                if let waiting = state.waiters.removeValue(forKey: id) { return waiting }
                if state.value == nil { state.cancelledEarly.insert(id) }
                return nil
            }
            continuation?.resume(throwing: CancellationError())
        }
    }
}
