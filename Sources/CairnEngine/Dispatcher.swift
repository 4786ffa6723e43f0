import Cairn
import CairnStore
import Foundation
import Logging

/// Decides which instances run: the table of live lifetimes, the bound on concurrently
/// running instances with its FIFO queue (woken instances ahead of new ones), and the
/// routing of control requests and events to live lifetimes.
actor Dispatcher {
    private let context: EngineContext
    private let workflow: @Sendable (String) -> RegisteredWorkflow?
    private let spawn: @Sendable (Lifetime) -> Bool
    private var live: [Int64: Lifetime] = [:]
    private var slotsUsed = 0
    private var urgent = RowQueue()
    private var normal = RowQueue()
    private var queued: Set<Int64> = []
    private var busy: Set<Int64> = []
    private var deferred: Set<Int64> = []
    private var rerun: Set<Int64> = []
    private var draining = false

    init(context: EngineContext, workflow: @escaping @Sendable (String) -> RegisteredWorkflow?, spawn: @escaping @Sendable (Lifetime) -> Bool) {
        self.context = context
        self.workflow = workflow
        self.spawn = spawn
    }

    var liveCount: Int { live.count }
    var queuedCount: Int { queued.count }

    /// Starts a creating lifetime at once if a slot is free; otherwise returns `nil`.
    func startNew(_ lifetime: @autoclosure () -> Lifetime) -> Lifetime? {
        guard !draining, slotsUsed < context.configuration.maxConcurrentInstances else { return nil }
        let lifetime = lifetime()
        launch(lifetime)
        return lifetime
    }

    /// Queues instances for a (re)play; `urgent` ones (woken, resumed) go before new ones.
    func schedule(_ rows: [Int64], urgent isUrgent: Bool) {
        for row in rows {
            if busy.contains(row) {
                deferred.insert(row)
                continue
            }
            if live[row] != nil {
                rerun.insert(row)
                continue
            }
            guard queued.insert(row).inserted else { continue }
            if isUrgent { urgent.push(row) } else { normal.push(row) }
        }
        pump()
    }

    /// Called when a lifetime has settled.
    func ended(_ lifetime: Lifetime) {
        if live[lifetime.rowID] === lifetime {
            live[lifetime.rowID] = nil
        }
        slotsUsed -= 1
        if rerun.remove(lifetime.rowID) != nil || lifetime.hasUndeliveredEvents {
            schedule([lifetime.rowID], urgent: true)
        }
        pump()
    }

    private func pump() {
        while !draining, slotsUsed < context.configuration.maxConcurrentInstances, let row = urgent.pop() ?? normal.pop() {
            queued.remove(row)
            start(row)
        }
    }

    private func start(_ row: Int64) {
        guard live[row] == nil else {
            rerun.insert(row)
            return
        }
        let loaded: (InstanceRecord, [StepRecord])?
        do {
            loaded = try context.store.replayState(rowID: row)
        } catch {
            context.logger.error("cannot load instance for replay; it will resume after a restart", metadata: ["row": "\(row)", "error": "\(error)"])
            return
        }
        guard let (instance, steps) = loaded, [.queued, .running, .waiting].contains(instance.status) else { return }
        guard let registered = workflow(instance.workflow) else {
            context.logger.warning("instance of an unregistered workflow left as it is; register the workflow to resume it",
                                   metadata: ["workflow": "\(instance.workflow)", "instance": "\(instance.id)"])
            return
        }
        launch(Lifetime(instance: instance, steps: steps, workflow: registered, context: context))
    }

    private func launch(_ lifetime: Lifetime) {
        live[lifetime.rowID] = lifetime
        slotsUsed += 1
        if !spawn(lifetime) {
            live[lifetime.rowID] = nil
            slotsUsed -= 1
            lifetime.created.fire(.failure(EngineError(.stopped, "The engine is stopped; start it (cairn serve) and try again.")))
        }
    }

    /// Graceful shutdown: starts nothing new and asks every live lifetime to stop at its next
    /// step boundary (waits end at once; running step bodies finish and their results commit).
    /// Returns the lifetimes to wait for.
    func drain() -> [Lifetime] {
        draining = true
        let lifetimes = Array(live.values)
        for lifetime in lifetimes { lifetime.raise(.drain) }
        return lifetimes
    }

    // MARK: Control

    /// Applies pause / resume / terminate / restart, through the live lifetime when there is one
    /// so the request is ordered with its writes.
    func control(_ row: Int64, _ action: ControlRequest.Action) async throws -> ControlOutcome {
        busy.insert(row)
        defer {
            busy.remove(row)
            if deferred.remove(row) != nil { schedule([row], urgent: true) }
        }
        while let lifetime = live[row] {
            switch action {
            case .pause, .requestPause:
                if let result = await lifetime.requestPause() { return try result.get() }
            case .resume:
                if let result = await lifetime.cancelPause() { return try result.get() }
            case .terminate, .restart:
                lifetime.stop()
            }
            _ = try? await lifetime.exited.wait()
        }
        let storeAction: ControlRequest.Action = action == .requestPause ? .pause : action
        let result = try await context.store.perform(.control(ControlRequest(instance: row, action: storeAction, at: context.clock.now())))
        guard case .control(let outcome) = result else {
            return ControlOutcome(status: .unknown, shouldRun: false, changed: false)
        }
        if outcome.shouldRun { deferred.insert(row) }
        return outcome
    }

    /// Routes a committed event: to the live lifetime's wait, or by scheduling a replay.
    func eventCommitted(_ outcome: EventOutcome) {
        guard let key = outcome.deliveredTo else { return }
        if let lifetime = live[outcome.instance] {
            if !lifetime.deliver(outcome.event, to: key) { rerun.insert(outcome.instance) }
        } else if [.queued, .running, .waiting].contains(outcome.instanceStatus) {
            schedule([outcome.instance], urgent: true)
        }
    }
}

/// A FIFO of row IDs with amortised O(1) pops.
struct RowQueue {
    private var items: [Int64] = []
    private var head = 0

    mutating func push(_ row: Int64) { items.append(row) }

    mutating func pop() -> Int64? {
        guard head < items.count else { return nil }
        defer {
            head += 1
            if head > 1024, head * 2 > items.count {
                items.removeFirst(head)
                head = 0
            }
        }
        return items[head]
    }
}
