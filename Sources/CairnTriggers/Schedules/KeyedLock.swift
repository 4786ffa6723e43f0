import Synchronization

/// One async lock per key: the work on one schedule (its evaluation, a buffered tick firing,
/// a pause from the API) runs one piece at a time, while different schedules run in
/// parallel. Waiters are served in arrival order.
final class KeyedLock: Sendable {
    private struct State {
        var held: Set<String> = []
        var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]
    }

    private let state = Mutex(State())

    /// Runs `body` holding the lock for `key`.
    func run<T: Sendable>(_ key: String, _ body: () async throws -> T) async rethrows -> T {
        await acquire(key)
        defer { release(key) }
        return try await body()
    }

    private func acquire(_ key: String) async {
        // Not cancellable on purpose: every holder finishes a short piece of work, and a
        // cancelled waiter that left the queue could not hand the lock on.
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = state.withLock { state -> Bool in
                if state.held.insert(key).inserted { return true }
                state.waiters[key, default: []].append(continuation)
                return false
            }
            if granted { continuation.resume() }
        }
    }

    private func release(_ key: String) {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard var queue = state.waiters[key], !queue.isEmpty else {
                state.held.remove(key)
                state.waiters[key] = nil
                return nil
            }
            let first = queue.removeFirst()
            state.waiters[key] = queue.isEmpty ? nil : queue
            return first      // the lock passes to it still held
        }
        next?.resume()
    }
}
