import CairnStore
import Foundation
import Logging
import Synchronization

/// The one timer loop: it reads the earliest durable timers (index on `wake_at`), fires the
/// due ones (deleting them in one commit, then scheduling their instances' replay), and
/// sleeps until the next one. A new timer earlier than the one it sleeps for rings it awake.
/// No per-instance polling; suspended instances cost only their rows.
final class TimerService: Sendable {
    private let store: any WorkflowStore
    private let clock: any EngineClock
    private let logger: Logger
    private let doorbell = Mutex<(target: Date, signal: Signal<Void>?)>((.distantFuture, nil))
    private let batchSize = 128

    init(store: any WorkflowStore, clock: any EngineClock, logger: Logger) {
        self.store = store
        self.clock = clock
        self.logger = logger
    }

    /// Tells the loop a timer at `wakeAt` was stored.
    func notify(_ wakeAt: Date) {
        let signal = doorbell.withLock { state -> Signal<Void>? in
            wakeAt < state.target ? state.signal : nil
        }
        signal?.fire(())
    }

    func run(schedule: @escaping @Sendable ([Int64]) async -> Void) async throws {
        while !Task.isCancelled {
            let signal = Signal<Void>()
            doorbell.withLock { $0 = (.distantFuture, signal) }
            let now = clock.now()
            let timers: [(instance: Int64, wakeAt: Date)]
            do {
                timers = try store.timers(until: nil, limit: batchSize)
            } catch {
                logger.error("cannot read timers; retrying in 1 s", metadata: ["error": "\(error)"])
                try await clock.sleep(until: now.addingTimeInterval(1))
                continue
            }
            let due = timers.filter { $0.wakeAt <= now }
            if !due.isEmpty {
                do {
                    _ = try await store.perform(.fireTimers(due.map { FiredTimer(instance: $0.instance, wakeAt: $0.wakeAt) }))
                } catch {
                    logger.error("cannot fire timers; retrying in 1 s", metadata: ["error": "\(error)"])
                    try await clock.sleep(until: now.addingTimeInterval(1))
                    continue
                }
                await schedule(due.map(\.instance))
                continue
            }
            let next = timers.first?.wakeAt
            doorbell.withLock { $0.target = next ?? .distantFuture }
            let clock = self.clock
            await withTaskGroup(of: Void.self) { group in
                group.addTask { _ = try? await signal.wait() }
                if let next {
                    group.addTask { try? await clock.sleep(until: next) }
                }
                await group.next()
                group.cancelAll()
            }
        }
    }
}
