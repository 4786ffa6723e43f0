import Foundation
import Synchronization

/// In-memory deadlines (step attempt timeouts) served by one loop, so a step body does not
/// need a timer task of its own. The loop sleeps until the earliest deadline; adding an
/// earlier one rings it awake. Removing a deadline leaves the loop's wake-up as it is: it
/// then wakes, finds nothing due, and sleeps again.
final class DeadlineWatch: Sendable {
    private struct State {
        var entries: [Int: (at: Date, action: @Sendable () -> Void)] = [:]
        var nextToken = 0
        var target = Date.distantFuture
        var bell: Signal<Void>?
    }

    private let state = Mutex(State())
    private let clock: any EngineClock

    init(clock: any EngineClock) {
        self.clock = clock
    }

    /// Runs `action` at `at` unless removed first. Returns a token for ``remove(_:)``.
    func add(at: Date, _ action: @escaping @Sendable () -> Void) -> Int {
        let (token, bell) = state.withLock { state -> (Int, Signal<Void>?) in
            state.nextToken += 1
            state.entries[state.nextToken] = (at, action)
            guard at < state.target else { return (state.nextToken, nil) }
            state.target = at
            return (state.nextToken, state.bell)
        }
        bell?.fire(())
        return token
    }

    func remove(_ token: Int) {
        state.withLock { _ = $0.entries.removeValue(forKey: token) }
    }

    func run() async {
        while !Task.isCancelled {
            let bell = Signal<Void>()
            let now = clock.now()
            let (due, next) = state.withLock { state -> ([@Sendable () -> Void], Date?) in
                state.bell = bell
                var due: [@Sendable () -> Void] = []
                var next: Date?
                for (token, entry) in state.entries {
                    if entry.at <= now {
                        due.append(entry.action)
                        state.entries[token] = nil
                    } else if entry.at < (next ?? .distantFuture) {
                        next = entry.at
                    }
                }
                state.target = due.isEmpty ? (next ?? .distantFuture) : now
                return (due, next)
            }
            if !due.isEmpty {
                for action in due { action() }
                continue
            }
            let clock = self.clock
            await withTaskGroup(of: Void.self) { group in
                group.addTask { _ = try? await bell.wait() }
                if let next { group.addTask { try? await clock.sleep(until: next) } }
                await group.next()
                group.cancelAll()
            }
        }
    }
}
