import Cairn
import CairnStore
import Foundation

/// In-memory waits: registering a wake-up signal and racing it against the clock.
extension Lifetime {
    /// Registers a waiter so interruptions (and, for `eventKey`, deliveries) can wake it.
    func register(_ signal: Signal<Wake>, isBody: Bool, task: Task<Void, Never>? = nil, eventKey: StepKey? = nil) throws -> Int {
        let token = nextToken()
        let early: ReceivedEvent? = try state.withLock { state in
            if let interruption = state.interruption {
                // A body may still start under a pause or a drain raised during its start's
                // flush (its attempt is recorded), but not once the lifetime is abandoning
                // bodies: raise() fired the waiters it had, and would never fire this one.
                if !isBody || interruption.strength >= Interruption.abandonsBodies { throw interruption }
            }
            state.waiters[token] = Waiter(signal: signal, isBody: isBody, task: task)
            guard let eventKey else { return nil }
            state.eventWaiters[eventKey] = token
            return state.delivered.removeValue(forKey: eventKey)
        }
        if let early { signal.fire(.event(early)) }
        return token
    }

    func unregister(_ token: Int, eventKey: StepKey? = nil) {
        state.withLock { state in
            state.waiters[token] = nil
            if let eventKey, state.eventWaiters[eventKey] == token { state.eventWaiters[eventKey] = nil }
        }
    }

    /// Waits for the signal or the deadline, whichever comes first. Cancellation (engine
    /// shutdown) reads as a stop.
    func race(_ signal: Signal<Wake>, deadline: Date?) async -> Wake {
        let clock = context.clock
        return await withTaskGroup(of: Wake?.self) { group in
            group.addTask { try? await signal.wait() }
            if let deadline {
                group.addTask {
                    do {
                        try await clock.sleep(until: deadline)
                        return .elapsed
                    } catch {
                        return nil
                    }
                }
            }
            var wake: Wake?
            while let next = await group.next() {
                if let next {
                    wake = next
                    break
                }
                if Task.isCancelled { break }
            }
            group.cancelAll()
            return wake ?? .interrupted(.stop)
        }
    }

    /// Sleeps until `wake` (a sleep or a retry back-off): in memory when short, otherwise by
    /// suspending the lifetime so the timer service replays it when due.
    func waitUntil(_ wake: Date, key: StepKey, reason: WaitReason) async throws {
        state.withLock { $0.deadlines[key] = wake }
        defer { state.withLock { _ = $0.deadlines.removeValue(forKey: key) } }
        while true {
            let current = now
            if wake <= current { return }
            try checkBoundary()
            try suspendIfLong(until: wake, from: current, reason: reason)
            report(.waiting, reason: reason, wakeAt: wake)
            try await flush()
            let signal = Signal<Wake>()
            let token = try register(signal, isBody: false)
            let result = await race(signal, deadline: wake)
            unregister(token)
            switch result {
            case .elapsed:
                report(.running)
                return
            case .interrupted(let interruption):
                throw interruption
            case .event, .value, .failed:
                continue
            }
        }
    }

    /// Leaves memory when the wait is longer than the threshold and no step body is running.
    func suspendIfLong(until wake: Date, from current: Date, reason: WaitReason) throws {
        let remaining = Int64(saturating: (wake.timeIntervalSince(current) * 1000).rounded(.up))
        guard remaining > context.suspendAfterMilliseconds else { return }
        let earliest: Date? = state.withLock { state in
            guard state.activeBodies == 0 else { return nil }
            return state.deadlines.values.min() ?? wake
        }
        if let earliest {
            throw raise(.suspend(wakeAt: min(earliest, wake), reason: reason))
        }
    }

    func nextToken() -> Int {
        tokenCounter()
    }
}
