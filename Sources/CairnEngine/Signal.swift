import Synchronization

/// A one-shot, cancellable rendezvous: one side waits, the other fires a value once.
/// Firing before the wait starts is remembered.
final class Signal<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var continuation: CheckedContinuation<Value, any Error>?
        var cancelled = false
    }

    private let state = Mutex<State>(State())

    /// Delivers `value` unless something was delivered already. Returns whether it was taken.
    @discardableResult
    func fire(_ value: Value) -> Bool {
        let (taken, continuation): (Bool, CheckedContinuation<Value, any Error>?) = state.withLock { state in
            guard state.value == nil else { return (false, nil) }
            state.value = value
            defer { state.continuation = nil }
            return (true, state.continuation)
        }
        continuation?.resume(returning: value)
        return taken
    }

    var isFired: Bool { state.withLock { $0.value != nil } }

    func wait() async throws -> Value {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let ready: Result<Value, any Error>? = state.withLock { state in
                    if let value = state.value { return .success(value) }
                    if state.cancelled { return .failure(CancellationError()) }
                    state.continuation = continuation
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Value, any Error>? in
                state.cancelled = true
                defer { state.continuation = nil }
                return state.continuation
            }
            continuation?.resume(throwing: CancellationError())
        }
    }
}
