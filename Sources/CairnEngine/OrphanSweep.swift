import CairnStore
import Foundation
import Logging
import Synchronization

/// Brings back instances that are unfinished in the database but have no lifetime and no
/// future timer: those whose lifetime stopped because a write failed (a full disk, an I/O
/// error), and any a bug or a lost wake-up left behind. It sweeps every `interval`; after a
/// failed write it sweeps sooner, backing off (1 s, 2 s, 4 s … up to the interval) while
/// writes keep failing, so stalled instances continue by themselves once the disk recovers.
final class OrphanSweep: Sendable {
    private struct State {
        var failureSeen = false
        var streak = 0
        var doorbell: Signal<Void>?
    }

    private let state = Mutex(State())
    private let clock: any EngineClock
    private let interval: Duration
    private let logger: Logger

    init(clock: any EngineClock, interval: Duration, logger: Logger) {
        self.clock = clock
        self.interval = interval
        self.logger = logger
    }

    /// A lifetime stopped because its write failed: sweep soon.
    func writeFailed() {
        let bell = state.withLock { state -> Signal<Void>? in
            state.failureSeen = true
            return state.doorbell
        }
        bell?.fire(())
    }

    /// The delay before the next sweep: the interval, or the back-off after a failure.
    private func nextDelay() -> (seconds: Double, bell: Signal<Void>) {
        let bell = Signal<Void>()
        let intervalSeconds = Engine.seconds(interval)
        return state.withLock { state in
            state.doorbell = bell
            guard state.failureSeen else { return (intervalSeconds, bell) }
            let backoff = min(intervalSeconds, pow(2, Double(min(state.streak, 16))))
            return (backoff, bell)
        }
    }

    func run(find: @escaping @Sendable () throws -> [Int64], schedule: @escaping @Sendable ([Int64]) async -> Int) async throws {
        let clock = self.clock
        while !Task.isCancelled {
            let (delay, bell) = nextDelay()
            let deadline = clock.now().addingTimeInterval(delay)
            // A failure rings the bell only to shorten the wait; the sweep itself waits for the deadline.
            let rang = await withTaskGroup(of: Bool.self) { group in
                group.addTask { (try? await bell.wait()) != nil }
                group.addTask {
                    try? await clock.sleep(until: deadline)
                    return false
                }
                let first = await group.next() ?? false
                group.cancelAll()
                return first
            }
            try Task.checkCancellation()
            if rang { continue }
            let hadFailure = state.withLock { state -> Bool in
                defer { state.failureSeen = false }
                return state.failureSeen
            }
            let found: [Int64]
            do {
                found = try find()
            } catch {
                logger.error("cannot look for stalled instances; trying again later", metadata: ["error": "\(error)"])
                continue
            }
            let restarted = await schedule(found)
            if restarted > 0 {
                logger.notice("restarting stalled instances", metadata: ["count": "\(restarted)"])
            }
            state.withLock { state in
                state.streak = hadFailure ? state.streak + 1 : 0
            }
        }
    }
}
