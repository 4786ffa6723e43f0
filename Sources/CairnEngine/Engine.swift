import Cairn
import CairnStore
import Foundation
import Logging
import Synchronization

/// The durable workflow engine: registers workflows, creates instances, runs them by
/// replay on the store, and recovers every unfinished instance when it starts.
///
/// ```swift
/// let engine = try Engine(store: SQLiteStore(path: "var/cairn.sqlite"))
/// try engine.register(IPReport(), as: "ip-report")
/// async let running: Void = engine.run()
/// let instance = try await engine.createInstance("ip-report", params: ["name": "x"] as JSONValue)
/// ```
public final class Engine: Sendable {
    let context: EngineContext
    let dispatcher: Dispatcher
    private let registry: Registry
    private let lastRowID: Atomic<Int64>
    private let spawner: AsyncStream<Lifetime>.Continuation
    private let spawned: Mutex<AsyncStream<Lifetime>?>
    private let phase = Mutex(Phase.idle)

    enum Phase { case idle, running, draining, stopped }

    package var store: any WorkflowStore { context.store }
    public var configuration: EngineConfiguration { context.configuration }
    public var clock: any EngineClock { context.clock }

    public init(
        store: any WorkflowStore,
        configuration: EngineConfiguration = .init(),
        clock: any EngineClock = SystemClock(),
        logger: Logger = Logger(label: "cairn.engine")
    ) throws {
        let context = EngineContext(store: store, clock: clock, configuration: configuration, logger: logger)
        let registry = Registry()
        let (stream, continuation) = AsyncStream<Lifetime>.makeStream()
        self.context = context
        self.registry = registry
        self.spawner = continuation
        self.spawned = Mutex(stream)
        do {
            lastRowID = Atomic(try store.maxRowID())
        } catch {
            throw EngineError(.storage, "Cannot read the database: \(error)")
        }
        dispatcher = Dispatcher(
            context: context,
            workflow: { name in registry.workflows.withLock { $0[name] } },
            spawn: { lifetime in
                if case .terminated = continuation.yield(lifetime) { return false }
                return true
            })
    }

    // MARK: Registration

    /// Registers a workflow under a name (1–64 letters, digits, `-`, `_`). Names are unique.
    public func register<W: Workflow>(_ workflow: W, as name: String) throws {
        do {
            try Identifier.validateWorkflowName(name)
        } catch let error as WorkflowError {
            throw EngineError(error)
        }
        try registry.workflows.withLock { registry in
            guard registry[name] == nil else {
                throw EngineError(.duplicateWorkflow, "A workflow named '\(name)' is already registered. Give each workflow its own name.")
            }
            registry[name] = RegisteredWorkflow(workflow, name: name)
        }
    }

    /// Registers a type-erased workflow (from a config entry's factory) under a name.
    public func register(_ workflow: AnyWorkflow, as name: String) throws {
        try register(workflow.base, as: name)
    }

    /// What kind of workflow `name` is (`swift`, `pipeline`); `nil` when not registered.
    public func workflowKind(_ name: String) -> String? { registry.workflows.withLock { $0[name]?.kind } }

    /// The registered workflow names, sorted.
    public var workflowNames: [String] { registry.workflows.withLock { $0.keys.sorted() } }

    func registered(_ name: String) throws -> RegisteredWorkflow {
        if let workflow = registry.workflows.withLock({ $0[name] }) { return workflow }
        let known = workflowNames
        throw EngineError(.workflowNotFound, "No workflow named '\(name)'. Known workflows: \(known.isEmpty ? "none" : known.joined(separator: ", ")).")
    }

    // MARK: Running

    /// Recovers unfinished instances, then runs lifetimes, the timer loop and the retention
    /// purge until cancelled. Cancellation stops lifetimes without writing: committed state
    /// is all a restart needs.
    public func run() async throws {
        guard let stream = spawned.withLock({ state -> AsyncStream<Lifetime>? in defer { state = nil }; return state }) else {
            throw EngineError(.stopped, "Engine.run() was called twice; run each engine once.")
        }
        defer {
            spawner.finish()
            phase.withLock { $0 = .stopped }
        }
        let plan = try await recover()
        phase.withLock { if $0 == .idle { $0 = .running } }
        let dispatcher = self.dispatcher
        let context = self.context
        let registry = self.registry
        try await withThrowingDiscardingTaskGroup { group in
            // Both loops end by cancellation (after a drain, or when run() is cancelled); that is not a failure.
            group.addTask {
                do {
                    try await context.timers.run { rows in await dispatcher.schedule(rows, urgent: true) }
                } catch is CancellationError {}
            }
            group.addTask {
                do { try await self.purgeLoop() } catch is CancellationError {}
            }
            group.addTask { await context.deadlines.run() }
            group.addTask {
                do {
                    try await context.sweep.run(
                        find: {
                            let known = registry.workflows.withLock { Set($0.keys) }
                            return try context.store.orphans(now: context.clock.now(), limit: 1_000).filter { known.contains($0.workflow) }.map(\.rowID)
                        },
                        schedule: { rows in await dispatcher.adopt(rows) })
                } catch is CancellationError {}
            }
            if !plan.isEmpty { await dispatcher.schedule(plan, urgent: true) }
            for await lifetime in stream {
                group.addTask {
                    await lifetime.run()
                    await dispatcher.ended(lifetime)
                    lifetime.exited.fire(())
                }
            }
            group.cancelAll()
        }
    }

    /// Calls `observer` each time an instance ends (complete or errored by its own run,
    /// terminated, or failed from outside), right after that end has committed. Observers
    /// must return quickly.
    public func onFinish(_ observer: @escaping @Sendable (FinishedInstance) -> Void) {
        context.finishObservers.withLock { $0.append(observer) }
    }

    /// Whether `run()` has recovered and is executing instances (not draining or stopped).
    public var isRunning: Bool { phase.withLock { $0 == .running } }

    /// Whether a drain has begun (new instances are then stored as `queued` for the next start).
    var isDraining: Bool { phase.withLock { $0 == .draining || $0 == .stopped } }

    /// Graceful shutdown: stops starting instances, lets running step bodies finish and commit
    /// their results, leaves waiting instances to their timers, then ends `run()`. Unfinished
    /// instances resume by replay at the next start. Cancel `run()` to stop without waiting.
    public func drain() async {
        phase.withLock { if $0 != .stopped { $0 = .draining } }
        let lifetimes = await dispatcher.drain()
        if !lifetimes.isEmpty {
            context.logger.info("draining instances", metadata: ["count": "\(lifetimes.count)"])
        }
        for lifetime in lifetimes { _ = try? await lifetime.exited.wait() }
        spawner.finish()
    }

    private func recover() async throws -> [Int64] {
        do {
            guard case .recovered(let plan) = try await context.store.perform(.recover(now: context.clock.now())) else { return [] }
            if !plan.runnable.isEmpty || plan.settledPauses > 0 {
                context.logger.info("recovering instances", metadata: ["resuming": "\(plan.runnable.count)", "paused": "\(plan.settledPauses)"])
            }
            return plan.runnable
        } catch {
            throw EngineError(error)
        }
    }

    private func purgeLoop() async throws {
        while !Task.isCancelled {
            _ = try? await purgeFinished()
            let next = context.clock.now().addingTimeInterval(Self.seconds(context.configuration.purgeInterval))
            try await context.clock.sleep(until: next)
        }
    }

    /// Deletes instances that ended longer ago than the retention period; returns how many.
    @discardableResult
    public func purgeFinished() async throws -> Int {
        try await purgeFinished(endedBefore: context.clock.now().addingTimeInterval(-Self.seconds(context.configuration.retention)))
    }

    /// How many instances one purge transaction deletes (each with its steps, events
    /// and timers): small enough that the commits of running instances queued behind it wait
    /// milliseconds, not the whole purge.
    static let purgeBatch = 32

    /// Deletes instances that ended before `cutoff`, in small transactions with a pause
    /// between them so running instances' commits go first; returns how many.
    @discardableResult
    public func purgeFinished(endedBefore cutoff: Date) async throws -> Int {
        var total = 0
        while !Task.isCancelled {
            guard case .purged(let count) = try await context.store.perform(.purge(endedBefore: cutoff, limit: Self.purgeBatch)) else { break }
            total += count
            if count < Self.purgeBatch { break }
            // Real time, not the engine clock: this only spaces the transactions out.
            try? await Task.sleep(for: .milliseconds(5))
        }
        if total > 0 { context.logger.info("purged finished instances", metadata: ["count": "\(total)"]) }
        return total
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    func nextRowID() -> Int64 {
        lastRowID.wrappingAdd(1, ordering: .relaxed).newValue
    }

    /// Number of lifetimes in memory (running or waiting briefly).
    public func liveInstanceCount() async -> Int { await dispatcher.liveCount }
}

/// The registered workflows, shared with the dispatcher.
final class Registry: Sendable {
    let workflows = Mutex<[String: RegisteredWorkflow]>([:])
}
