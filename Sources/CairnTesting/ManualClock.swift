import CairnEngine
import Foundation
import Synchronization

/// A clock that moves only when a test advances it. Sleepers wake when their deadline is
/// reached; tests can wait until something is asleep at a given deadline.
public final class ManualClock: EngineClock {
    private struct Sleeper {
        var deadline: Date
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Date
        var nextID = 0
        var sleepers: [Int: Sleeper] = [:]
        var watchers: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    public init(now: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        state = Mutex(State(now: now))
    }

    public func now() -> Date { state.withLock { $0.now } }

    public func sleep(until deadline: Date) async throws {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (ready, watchers) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
                    if deadline <= state.now { return (true, []) }
                    if Task.isCancelled { return (true, []) }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    defer { state.watchers = [] }
                    return (false, state.watchers)
                }
                if ready { continuation.resume() }
                for watcher in watchers { watcher.resume() }
            }
        } onCancel: {
            state.withLock { $0.sleepers.removeValue(forKey: id) }?.continuation.resume(throwing: CancellationError())
        }
        try Task.checkCancellation()
    }

    /// Moves time forward and wakes every sleeper whose deadline has come.
    public func advance(by seconds: TimeInterval) {
        let due = state.withLock { state -> [Sleeper] in
            state.now = state.now.addingTimeInterval(seconds)
            let now = state.now
            let due = state.sleepers.filter { $0.value.deadline <= now }
            for key in due.keys { state.sleepers[key] = nil }
            return Array(due.values)
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Moves time to `date` (if later) and wakes due sleepers.
    public func advance(to date: Date) {
        let seconds = date.timeIntervalSince(now())
        if seconds > 0 { advance(by: seconds) }
    }

    /// Deadlines of everything asleep now, earliest first.
    public var deadlines: [Date] { state.withLock { $0.sleepers.values.map(\.deadline).sorted() } }

    /// Waits (up to `timeout` of real time) until some sleeper's deadline satisfies `matches`;
    /// returns that deadline.
    @discardableResult
    public func waitForSleeper(timeout: Duration = .seconds(10), where matches: @escaping @Sendable (Date) -> Bool = { _ in true }) async throws -> Date {
        let start = ContinuousClock.now
        while true {
            if let found = deadlines.first(where: matches) { return found }
            if ContinuousClock.now - start > timeout {
                throw TestFailure("No sleeper matched within \(timeout); sleeping until: \(deadlines)")
            }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                state.withLock { $0.watchers.append(continuation) }
                // Re-check after registering, and never wait long: other changes (a sleeper
                // leaving) do not notify.
                Task {
                    try? await Task.sleep(for: .milliseconds(5))
                    let watchers = self.state.withLock { state in
                        defer { state.watchers = [] }
                        return state.watchers
                    }
                    for watcher in watchers { watcher.resume() }
                }
            }
        }
    }

    /// Waits until something sleeps until exactly `seconds` from now.
    @discardableResult
    public func waitForSleeper(secondsFromNow seconds: TimeInterval, timeout: Duration = .seconds(10)) async throws -> Date {
        let target = now().addingTimeInterval(seconds)
        return try await waitForSleeper(timeout: timeout) { abs($0.timeIntervalSince(target)) < 0.002 }
    }
}

/// A failure raised by test helpers.
public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
