import Cairn
import CairnEngine
import CairnStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Starts workflow instances on cron schedules: exactly one instance per tick (its ID is
/// derived from the schedule and the tick), every tick recorded in the ledger (fired,
/// skipped, missed, failed, buffered), missed ticks after downtime handled by the schedule's
/// catch-up policy, overlapping runs by its overlap policy.
///
/// One loop sleeps on the engine's clock until the earliest due tick of any schedule (or
/// until a pause, resume or buffered tick rings the doorbell); nothing polls per schedule.
/// Due schedules are evaluated concurrently so a thousand ticks in one minute share group
/// commits; one schedule's ticks are evaluated in order.
///
/// ```swift
/// let service = ScheduleService(definitions: config.schedules, engine: engine, store: store, logger: logger)
/// app.addMigrations(ScheduleService.migrations)
/// ```
public final class ScheduleService: Service, Sendable {
    /// The ledger's tables; add them to the store's migrations.
    public static let migrations = ScheduleLedger.migrations

    struct Runtime: Sendable {
        var definition: ScheduleDefinition
        var planner: TickPlanner
        var highWater: Date
        var pausedOverride: Bool?
        var bufferedTick: Date?
        var lastFiredInstance: String?
        /// When to evaluate next (the next tick's due time, or a retry after a storage error).
        var wakeAt: Date?
        /// Tick rows written since the ledger was last pruned.
        var unpruned = 0
        /// The rest of a catch-up whose late ticks are spread by the jitter after a boot:
        /// each waits until its `notBefore`. Not stored: a restart plans again from the mark.
        var deferred: [TickPlanner.Step] = []

        var paused: Bool { pausedOverride ?? definition.paused }

        mutating func refreshWake() {
            if let first = deferred.first {
                wakeAt = first.notBefore ?? first.planned.fireAt
            } else {
                wakeAt = planner.nextTick(after: highWater)?.fireAt
            }
        }
    }

    let definitions: [ScheduleDefinition]
    let engine: Engine
    let store: any WorkflowStore
    let logger: Logger
    let clock: any EngineClock
    let state = Mutex<[String: Runtime]>([:])
    let doorbell = Doorbell()
    let metrics = ScheduleMetrics()
    let buffered = BufferedTicks()
    /// Serialises the work on each schedule (evaluation, buffered ticks, pause and resume).
    let locks = KeyedLock()
    /// How many schedules are evaluated at once.
    let concurrency: Int
    /// Set once `run()` has reconciled the ledger with the config.
    let ready = Mutex(false)
    /// When this service started: ticks due before it were missed (Cairn was down).
    let started = Mutex(Date.distantFuture)
    var runningSince: Date { started.withLock { $0 } }
    /// Told after each tick's instance has committed (the benchmark measures lateness with it).
    let onFired: (@Sendable (FiredTick) -> Void)?

    /// A tick whose instance has just committed.
    public struct FiredTick: Sendable {
        /// The schedule's name.
        public var schedule: String
        /// The instance the tick created.
        public var instance: String
        /// The tick's time plus its jitter.
        public var dueAt: Date
        /// The engine clock's time right after the commit.
        public var committedAt: Date
    }

    /// A service for `definitions` on `engine` and its `store` (which must have applied
    /// ``migrations``). `concurrency` bounds how many schedules are evaluated at once;
    /// `onFired` is told after each tick's commit.
    public init(definitions: [ScheduleDefinition], engine: Engine, store: any WorkflowStore, logger: Logger, concurrency: Int = 256,
                onFired: (@Sendable (FiredTick) -> Void)? = nil) {
        self.onFired = onFired
        self.definitions = definitions
        self.engine = engine
        self.store = store
        self.logger = logger
        self.clock = engine.clock
        self.concurrency = max(1, concurrency)
    }

    /// Reconciles the ledger with the definitions, then fires ticks until graceful shutdown
    /// (or cancellation). Throws if the ledger cannot be reconciled at start-up.
    public func run() async throws {
        try await reconcile()
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.buffered.run(self) }
                await self.loop()
                self.buffered.stop()
            }
        }
        logger.info("schedules stopped")
    }

    /// Sleeps until the earliest due schedule, evaluates every due one, repeats.
    private func loop() async {
        while !Task.isCancelled {
            let now = clock.now()
            let (due, wake) = state.withLock { runtimes -> ([String], Date?) in
                var due: [String] = []
                var wake: Date?
                for (name, runtime) in runtimes {
                    guard let at = runtime.wakeAt else { continue }
                    if at <= now { due.append(name) } else { wake = min(wake ?? at, at) }
                }
                return (due, wake)
            }
            if due.isEmpty {
                await sleep(until: wake)
                continue
            }
            let slow = await fireSimpleTicks(due, now: now)
            await withTaskGroup(of: Void.self) { group in
                var pending = slow[...]
                for _ in 0..<min(concurrency, pending.count) {
                    let name = pending.removeFirst()
                    group.addTask { await self.evaluate(name, now: now) }
                }
                for await _ in group {
                    if let name = pending.popFirst() {
                        group.addTask { await self.evaluate(name, now: now) }
                    }
                }
            }
        }
    }

    /// Sleeps on the engine's clock until `deadline` (forever if `nil`) or a doorbell ring.
    private func sleep(until deadline: Date?) async {
        await withTaskGroup(of: Void.self) { group in
            if let deadline {
                let clock = self.clock
                group.addTask { try? await clock.sleep(until: deadline) }
            }
            group.addTask { await self.doorbell.wait() }
            await group.next()
            group.cancelAll()
        }
    }

    /// Whether the ledger has been reconciled with the config (controls work from then on).
    public var isReady: Bool { ready.withLock { $0 } }

    func runtime(_ name: String) -> Runtime? { state.withLock { $0[name] } }

    func update(_ name: String, _ change: (inout Runtime) -> Void) {
        state.withLock { runtimes in
            guard var runtime = runtimes[name] else { return }
            change(&runtime)
            runtimes[name] = runtime
        }
    }
}
