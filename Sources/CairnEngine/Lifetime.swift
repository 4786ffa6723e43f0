import Cairn
import CairnStore
import Foundation
import Logging
import Synchronization

/// One execution of `run` for one instance, from a start (or replay) until it returns,
/// fails, suspends, pauses or is stopped. It is the engine's ``StepRunner``: completed steps
/// come from `cache`; new work is written through a per-lifetime buffer that is flushed
/// (one group-committed transaction) only where durability is needed: before a step body
/// runs, before an in-memory wait, and when the lifetime ends. A step therefore costs one
/// commit: its result rides with the next step's start or with the instance's completion.
final class Lifetime: StepRunner, Sendable {
    let rowID: Int64
    let instance: InstanceRecord
    let workflow: RegisteredWorkflow
    let context: EngineContext
    /// Fired once the lifetime has settled (its last write committed or abandoned).
    let exited = Signal<Void>()
    /// For the creation fast path: fired when the instance row has committed (or failed to).
    let created = Signal<Result<Void, EngineError>>()
    let state: Mutex<State>
    private let outstandingFlushes = Atomic<Int>(0)
    /// Flushes this lifetime committed itself and read without suspending.
    private let unsuspendedFlushes = Atomic<Int>(0)
    private static let flushesBetweenYields = 16
    private let tokens = Atomic<Int>(0)

    struct State {
        var epoch: Int64
        var creationPending: Bool
        var pending: [StoreOp] = []
        var cache: [StepKey: StepRecord]
        var nextSeq: Int64
        var interruption: Interruption?
        var pauseRequested = false
        var waiters: [Int: Waiter] = [:]
        var eventWaiters: [StepKey: Int] = [:]
        var delivered: [StepKey: ReceivedEvent] = [:]
        var deadlines: [StepKey: Date] = [:]
        var activeBodies = 0
        var reported: Reported?
        /// A write failed (not superseded): the instance needs a new lifetime once writes work.
        var writeFailed = false
    }

    struct Waiter {
        var signal: Signal<Wake>
        var isBody: Bool
        var task: Task<Void, Never>?
    }

    struct Reported: Equatable {
        var status: InstanceStatus
        var reason: WaitReason?
        var wakeAt: Date?
    }

    enum Wake: Sendable {
        case interrupted(Interruption)
        case event(ReceivedEvent)
        case elapsed
        case value(Data)
        case failed(any Error)
    }

    /// A lifetime that replays an existing instance.
    init(instance: InstanceRecord, steps: [StepRecord], workflow: RegisteredWorkflow, context: EngineContext) {
        rowID = instance.rowID
        self.instance = instance
        self.workflow = workflow
        self.context = context
        self.logger = Self.logger(context, instance)
        var cache: [StepKey: StepRecord] = [:]
        for step in steps { cache[step.key] = step }
        var state = State(epoch: instance.epoch, creationPending: false, cache: cache, nextSeq: (steps.map(\.seq).max() ?? 0) + 1)
        if instance.status == .running {
            state.reported = Reported(status: .running)
        }
        state.pending = [.clearTimer]
        self.state = Mutex(state)
    }

    /// A lifetime that creates its instance: the insert commits with the first step's start.
    init(creating instance: InstanceRecord, workflow: RegisteredWorkflow, context: EngineContext,
         alongside: (@Sendable (any StoreTransaction) throws -> Void)? = nil) {
        rowID = instance.rowID
        self.instance = instance
        self.workflow = workflow
        self.context = context
        self.logger = Self.logger(context, instance)
        var state = State(epoch: instance.epoch, creationPending: true, cache: [:], nextSeq: 1)
        state.pending = [.insertInstance(instance)] + (alongside.map { [.alongside($0)] } ?? [])
        state.reported = Reported(status: instance.status)
        self.state = Mutex(state)
    }

    var now: Date { context.clock.now() }

    func tokenCounter() -> Int { tokens.wrappingAdd(1, ordering: .relaxed).newValue }

    /// The engine's logger with this instance's `workflow` and `instance` metadata.
    let logger: Logger

    static func logger(_ context: EngineContext, _ instance: InstanceRecord) -> Logger {
        var logger = context.logger
        logger[metadataKey: "workflow"] = "\(instance.workflow)"
        logger[metadataKey: "instance"] = "\(instance.id)"
        return logger
    }

    // MARK: Running

    func run() async {
        let step = WorkflowStep(runner: self)
        let meta = RegisteredWorkflow.EventMeta(instanceID: instance.id, workflowName: instance.workflow, timestamp: instance.eventTime ?? instance.createdAt)
        let outcome: Result<Data, any Error>
        do {
            outcome = .success(try await workflow.run(instance.params, meta, step))
        } catch {
            outcome = .failure(error)
        }
        await settle(outcome)
        created.fire(.failure(EngineError(.stopped, "The engine stopped before instance '\(instance.id)' was stored.")))
    }

    private func settle(_ outcome: Result<Data, any Error>) async {
        var interruption = state.withLock { $0.interruption }
        if interruption == nil, Task.isCancelled { interruption = .stop }
        let at = now
        switch interruption {
        case .stop:
            return
        case .drain:
            _ = try? await flush()
            logger.debug("instance left for the next start (shutting down)")
            return
        case .suspend(let wakeAt, let reason):
            enqueue([.runState(.waiting, waitingFor: reason, wakeAt: wakeAt, at: at), .setTimer(wakeAt)])
            if (try? await flush()) != nil {
                context.timers.notify(wakeAt)
                logger.debug("instance suspended", metadata: ["wakeAt": "\(wakeAt)"])
            }
        case .pause:
            enqueue([.paused(at: at)])
            _ = try? await flush()
            logger.info("instance paused")
        case .fatal(let info):
            await finish(.errored, output: nil, error: info)
        case nil:
            switch outcome {
            case .success(let output):
                if output.count > context.configuration.maxOutputBytes {
                    await finish(.errored, output: nil, error: ErrorInfo(WorkflowError(.outputTooLarge,
                        "The output of workflow '\(instance.workflow)' is \(output.count) bytes; the limit is \(context.configuration.maxOutputBytes) bytes. Return a smaller value, e.g. a reference to data stored elsewhere.")))
                } else {
                    await finish(.complete, output: output, error: nil)
                }
            case .failure(let error):
                if let interruption = error as? Interruption {
                    // Raised without poisoning (cannot happen today); treat it as its own kind.
                    if case .fatal(let info) = interruption { await finish(.errored, output: nil, error: info) }
                    return
                }
                await finish(.errored, output: nil, error: ErrorInfo(error))
            }
        }
        context.watch.changed()
    }

    private func finish(_ status: InstanceStatus, output: Data?, error: ErrorInfo?) async {
        enqueue([.finish(status, output: output, error: error, at: now)])
        if (try? await flush()) != nil {
            if let error {
                context.metrics.instancesErrored.increment()
                logger.info("instance errored", metadata: ["status": "\(status.rawValue)", "error": "\(error)"])
            } else {
                context.metrics.instancesComplete.increment()
                logger.info("instance complete")
            }
            let finished = FinishedInstance(workflow: instance.workflow, id: instance.id, status: status, at: now, error: error)
            for observer in context.finishObservers.withLock({ $0 }) { observer(finished) }
        }
        context.watch.changed()
    }

    // MARK: Writes

    func enqueue(_ ops: [StoreOp]) {
        state.withLock { $0.pending.append(contentsOf: ops) }
    }

    /// Reports a live status once; repeated reports of the same state write nothing.
    func report(_ status: InstanceStatus, reason: WaitReason? = nil, wakeAt: Date? = nil) {
        let reported = Reported(status: status, reason: reason, wakeAt: wakeAt)
        let at = now
        state.withLock { state in
            guard state.reported != reported else { return }
            state.reported = reported
            state.pending.append(.runState(status, waitingFor: reason, wakeAt: wakeAt, at: at))
        }
    }

    /// Commits everything buffered so far (and waits for earlier flushes). Returns events
    /// handed to waits by the commit. On failure the lifetime is stopped.
    @discardableResult
    func flush() async throws -> [StepKey: ReceivedEvent] {
        let handoff = Handoff<Result<StoreResult, StoreError>>()
        let shouldLead = state.withLock { state -> Bool? in
            if state.pending.isEmpty && outstandingFlushes.load(ordering: .acquiring) == 0 { return nil }
            let batch = StoreBatch(instance: rowID, epoch: state.creationPending ? nil : state.epoch, ops: state.pending)
            state.pending = []
            state.creationPending = false
            outstandingFlushes.add(1, ordering: .acquiringAndReleasing)
            // Submitted under the lock so that batches reach the writer in the order they were built.
            return context.store.submit(.batch(batch), offerToLead: true) { result in
                self.outstandingFlushes.subtract(1, ordering: .acquiringAndReleasing)
                handoff.put(result)
            }
        }
        guard let shouldLead else { return [:] }
        // When the writer is quiet, commit on this thread (outside the lock) and read the
        // result without suspending: resuming a continuation, even from inside its own
        // closure, enqueues the task and wakes another worker thread (a hop per step).
        if shouldLead { context.store.lead() }
        let result: Result<StoreResult, StoreError>
        if let ready = handoff.take() {
            result = ready
            // A workflow of steps that never suspend would otherwise keep this cooperative
            // thread (on two cores, half of them) for its whole run: give others a turn now
            // and then.
            if unsuspendedFlushes.add(1, ordering: .relaxed).newValue % Self.flushesBetweenYields == 0 { await Task.yield() }
        } else {
            result = await handoff.wait()
        }
        switch result {
        case .success(let stored):
            created.fire(.success(()))
            context.watch.changed()
            if case .events(let events) = stored { return events }
            return [:]
        case .failure(let error):
            created.fire(.failure(EngineError(error)))
            if error.code != .superseded && error.code != .duplicateInstanceID {
                state.withLock { $0.writeFailed = true }
                logger.error("could not persist instance state; it resumes by itself once writes succeed", metadata: ["error": "\(error)"])
            }
            throw raise(.stop)
        }
    }

    // MARK: Interruptions

    /// Poisons the lifetime (the stronger interruption wins) and wakes in-memory waits.
    /// Pauses and suspensions leave running step bodies alone; stops and fatal errors abandon them.
    @discardableResult
    func raise(_ interruption: Interruption) -> Interruption {
        let (winner, wake) = state.withLock { state -> (Interruption, [Waiter]) in
            if let existing = state.interruption, existing.strength >= interruption.strength { return (existing, []) }
            state.interruption = interruption
            let abandonBodies = interruption.strength >= Interruption.abandonsBodies
            return (interruption, state.waiters.values.filter { abandonBodies || !$0.isBody })
        }
        for waiter in wake {
            waiter.signal.fire(.interrupted(winner))
            waiter.task?.cancel()
        }
        return winner
    }

    /// Throws if the lifetime must not start new work: poisoned, cancelled, or pausing.
    func checkBoundary() throws {
        let (interruption, pause) = state.withLock { ($0.interruption, $0.pauseRequested) }
        if let interruption { throw interruption }
        if Task.isCancelled { throw raise(.stop) }
        if pause { throw raise(.pause) }
    }

    func poisoned() -> Interruption? {
        state.withLock { $0.interruption }
    }

    /// Terminate, restart or shutdown: stop at once and write nothing more.
    func stop() {
        raise(.stop)
    }

    /// Records a pause request (ordered with this lifetime's own writes) and interrupts waits.
    /// Returns `nil` if the lifetime is already ending.
    func requestPause() async -> Result<ControlOutcome, StoreError>? {
        let at = now
        let result: Result<StoreResult, StoreError>? = await withCheckedContinuation { continuation in
            let accepted = state.withLock { state -> Bool in
                guard state.interruption == nil else { return false }
                state.pauseRequested = true
                context.store.submit(.control(ControlRequest(instance: rowID, action: .requestPause, at: at))) {
                    continuation.resume(returning: $0)
                }
                return true
            }
            if !accepted { continuation.resume(returning: nil) }
        }
        guard let result else { return nil }
        let waits = state.withLock { state in state.waiters.values.filter { !$0.isBody } }
        if !waits.isEmpty { raise(.pause) }
        return result.map { stored in
            if case .control(let outcome) = stored { return outcome }
            return ControlOutcome(status: .waitingForPause, shouldRun: false, changed: true)
        }
    }

    /// Withdraws a pause request that has not reached a step boundary yet.
    func cancelPause() async -> Result<ControlOutcome, StoreError>? {
        let at = now
        let result: Result<StoreResult, StoreError>? = await withCheckedContinuation { continuation in
            let accepted = state.withLock { state -> Bool in
                guard state.interruption == nil, state.pauseRequested else { return false }
                state.pauseRequested = false
                context.store.submit(.control(ControlRequest(instance: rowID, action: .resume, at: at))) {
                    continuation.resume(returning: $0)
                }
                return true
            }
            if !accepted { continuation.resume(returning: nil) }
        }
        guard let result else { return nil }
        return result.map { stored in
            if case .control(let outcome) = stored { return outcome }
            return ControlOutcome(status: .running, shouldRun: false, changed: true)
        }
    }

    /// An event committed into one of this lifetime's waits. Returns `false` if the lifetime
    /// is ending and cannot take it (the instance must then be replayed).
    func deliver(_ event: ReceivedEvent, to key: StepKey) -> Bool {
        let (accepted, waiter) = state.withLock { state -> (Bool, Waiter?) in
            guard state.interruption == nil else { return (false, nil) }
            if let token = state.eventWaiters[key], let waiter = state.waiters[token] { return (true, waiter) }
            state.delivered[key] = event
            return (true, nil)
        }
        waiter?.signal.fire(.event(event))
        return accepted
    }

    /// Whether the lifetime stopped because a write failed.
    var writeFailed: Bool { state.withLock { $0.writeFailed } }

    /// Events delivered to this lifetime that no wait took before it ended.
    var hasUndeliveredEvents: Bool {
        state.withLock { !$0.delivered.isEmpty }
    }
}
