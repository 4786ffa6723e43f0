import Synchronization

/// A one-shot value passed from a completion callback to one waiting task. Unlike a
/// continuation resumed at once, ``take()`` lets the task read a value that is already there
/// without suspending, so a result produced on the task's own thread costs no thread hop.
final class Handoff<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var waiter: CheckedContinuation<Value, Never>?
    }

    private let state = Mutex(State())

    /// Delivers the value (once): resumes the waiter if one is parked, else keeps it for `take`.
    func put(_ value: Value) {
        let waiter = state.withLock { state -> CheckedContinuation<Value, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.value = value
            return nil
        }
        waiter?.resume(returning: value)
    }

    /// The value if it has been delivered, without waiting.
    func take() -> Value? {
        state.withLock { state in
            defer { state.value = nil }
            return state.value
        }
    }

    /// Waits for the value. One waiter at most.
    func wait() async -> Value {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Value? in
                if let value = state.value {
                    state.value = nil
                    return value
                }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
