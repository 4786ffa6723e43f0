import Synchronization

/// A one-shot value passed from a completion callback to the tasks that wait for it. Unlike
/// a continuation resumed at once, ``take()`` lets a task read a value that is already there
/// without suspending, so a result produced on the task's own thread costs no thread hop.
/// Unlike ``Signal``, waiting ignores cancellation: a flush must learn how its commit ended
/// (the write is in flight either way), so a cancelled lifetime still waits for it.
final class Handoff<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var waiters: [CheckedContinuation<Value, Never>] = []
    }

    private let state = Mutex(State())

    /// Delivers the value: resumes every parked waiter and keeps it for later `take`/`wait`
    /// calls. Only the first delivery counts.
    func put(_ value: Value) {
        let waiters = state.withLock { state -> [CheckedContinuation<Value, Never>] in
            guard state.value == nil else { return [] }
            state.value = value
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: value) }
    }

    /// The value if it has been delivered, without waiting.
    func take() -> Value? {
        state.withLock { $0.value }
    }

    /// Tasks parked in ``wait()`` (for tests).
    var waiterCount: Int { state.withLock { $0.waiters.count } }

    /// Waits for the value (at once if it is there).
    func wait() async -> Value {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Value? in
                if let value = state.value { return value }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
