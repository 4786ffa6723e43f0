import CairnEngine
import Foundation
import Synchronization

/// Waits for instances to finish, fed by ``Engine/onFinish(_:)`` (which fires after the
/// finishing commit), without polling the database.
final class Completions: Sendable {
    private struct State {
        var finished: [String: ContinuousClock.Instant] = [:]
        var waiters: [String: CheckedContinuation<ContinuousClock.Instant, Never>] = [:]
        var total = 0
        var countWaiter: (target: Int, continuation: CheckedContinuation<Void, Never>)?
    }

    private let state = Mutex(State())

    init(engine: Engine) {
        engine.onFinish { [self] finished in self.finish(finished.id) }
    }

    private func finish(_ id: String) {
        let now = ContinuousClock.now
        let (waiter, countWaiter) = state.withLock { state -> (CheckedContinuation<ContinuousClock.Instant, Never>?, CheckedContinuation<Void, Never>?) in
            state.total += 1
            var reached: CheckedContinuation<Void, Never>?
            if let pending = state.countWaiter, state.total >= pending.target {
                reached = pending.continuation
                state.countWaiter = nil
            }
            if let waiter = state.waiters.removeValue(forKey: id) { return (waiter, reached) }
            state.finished[id] = now
            return (nil, reached)
        }
        waiter?.resume(returning: now)
        countWaiter?.resume()
    }

    /// When `id` finished (waits if it has not yet).
    func wait(_ id: String) async -> ContinuousClock.Instant {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state -> ContinuousClock.Instant? in
                if let at = state.finished.removeValue(forKey: id) { return at }
                state.waiters[id] = continuation
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }

    /// Waits until `count` instances in all have finished.
    func waitForTotal(_ count: Int) async {
        await withCheckedContinuation { continuation in
            let reached = state.withLock { state -> Bool in
                if state.total >= count { return true }
                state.countWaiter = (count, continuation)
                return false
            }
            if reached { continuation.resume() }
        }
    }

    var total: Int { state.withLock { $0.total } }
}
