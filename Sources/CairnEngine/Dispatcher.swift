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
    /// Instances with a control request in progress, each with the requests queued behind it.
    private var controlling: [Int64: [CheckedContinuation<Void, Never>]] = [:]
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
            if controlling[row] != nil {
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

    /// Schedules the instances among `rows` that nothing runs or waits for (the orphan sweep's
    /// finds); returns how many.
    func adopt(_ rows: [Int64]) -> Int {
        guard !draining else { return 0 }      // nothing starts while draining; the next start recovers them
        let orphans = rows.filter { live[$0] == nil && !queued.contains($0) && controlling[$0] == nil }
        schedule(orphans, urgent: true)
        return orphans.count
    }

    /// Called when a lifetime has settled.
    func ended(_ lifetime: Lifetime) {
        if live[lifetime.rowID] === lifetime {
            live[lifetime.rowID] = nil
        }
        if lifetime.writeFailed { context.sweep.writeFailed() }
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
        if controlling[row] != nil {
            // A control request owns this instance now; it reschedules the row when done.
            deferred.insert(row)
            return
        }
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

    /// Applies pause / resume / terminate / restart / fail, through the live lifetime when there is one
    /// so the request is ordered with its writes. Requests for one instance run one at a time,
    /// in arrival order; none of them waits for more than the lifetime's next step boundary.
    func control(_ row: Int64, _ action: ControlRequest.Action, error: ErrorInfo? = nil) async throws -> ControlOutcome {
        await acquireControl(of: row)
        defer { releaseControl(of: row) }
        while let lifetime = live[row] {
            switch action {
            case .pause, .requestPause:
                if let result = await lifetime.requestPause() { return try result.get() }
                // The lifetime is already pausing: the pause stands; report it without waiting.
                if case .pause = lifetime.poisoned() { return ControlOutcome(status: .waitingForPause, shouldRun: false, changed: false) }
            case .resume:
                if let result = await lifetime.cancelPause() { return try result.get() }
                // Resume changes nothing unless a pause is settling; answer with the stored status.
                guard case .pause = lifetime.poisoned() else { return try await storeControl(row, action) }
            case .terminate, .restart, .fail:
                lifetime.stop()
            }
            // Throws only if this request is cancelled; the request then ends without a change.
            try await lifetime.exited.wait()
        }
        return try await storeControl(row, action, error: error)
    }

    private func storeControl(_ row: Int64, _ action: ControlRequest.Action, error: ErrorInfo? = nil) async throws -> ControlOutcome {
        let storeAction: ControlRequest.Action = action == .requestPause ? .pause : action
        let result = try await context.store.perform(.control(ControlRequest(instance: row, action: storeAction, at: context.clock.now(), error: error)))
        guard case .control(let outcome) = result else {
            return ControlOutcome(status: .unknown, shouldRun: false, changed: false)
        }
        if outcome.shouldRun { deferred.insert(row) }
        return outcome
    }

    private func acquireControl(of row: Int64) async {
        guard controlling[row] != nil else {
            controlling[row] = []
            return
        }
        await withCheckedContinuation { controlling[row, default: []].append($0) }
    }

    private func releaseControl(of row: Int64) {
        if var waiting = controlling[row], !waiting.isEmpty {
            let next = waiting.removeFirst()
            controlling[row] = waiting
            next.resume()
            return
        }
        controlling[row] = nil
        if deferred.remove(row) != nil { schedule([row], urgent: true) }
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
