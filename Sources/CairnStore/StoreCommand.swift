import Cairn
import Foundation

/// A unit of durable work for the store's single writer. Commands from many callers are
/// committed together (group commit), each in its own savepoint, so one failing command
/// does not undo the others.
public enum StoreCommand: Sendable {
    /// A lifetime's buffered writes, refused as a whole if the instance's epoch moved on.
    case batch(StoreBatch)
    /// Creates instances, skipping IDs that exist (`createBatch`). Result: the inserted row IDs.
    case insertSkippingExisting([InstanceRecord])
    /// Delivers an event: into the oldest matching waiting step, or into the buffer.
    case sendEvent(EventDelivery)
    /// pause / resume / terminate / restart / request-pause for one instance.
    case control(ControlRequest)
    /// Marks interrupted pauses as paused, returns instances to resume (run at start-up).
    case recover(now: Date)
    /// Removes fired timers (only those still at the given time), before their instances are scheduled.
    case fireTimers([FiredTimer])
    /// Deletes instances that ended before a cut-off, at most `limit` of them.
    case purge(endedBefore: Date, limit: Int)
    /// Rewrites the one row of the `health` table and commits: proves a write reaches the
    /// disk (`/readyz`). An empty transaction would succeed on a full disk.
    case ping(at: Date)
    /// Creates an instance unless one with its ID exists, and runs the caller's own write in
    /// the same transaction (a trigger's record). Result: ``StoreResult/started(_:)``.
    case start(InstanceStart)
    /// Several idempotent starts in one unit: all commit together or none does (a burst of
    /// cron ticks). Result: ``StoreResult/startedMany(_:)``, in order.
    case startMany([InstanceStart])
    /// A feature's own write, inside the group transaction. Result: ``StoreResult/custom(_:)``.
    case custom(@Sendable (any StoreTransaction) throws -> any Sendable)
}

/// An idempotent instance start, with an optional write that commits (or fails) with it.
public struct InstanceStart: Sendable {
    public var record: InstanceRecord
    /// Runs after the instance is created or found, in the same transaction; throwing undoes both.
    public var alongside: (@Sendable (StartOutcome, any StoreTransaction) throws -> Void)?

    public init(record: InstanceRecord, alongside: (@Sendable (StartOutcome, any StoreTransaction) throws -> Void)? = nil) {
        self.record = record
        self.alongside = alongside
    }
}

/// Whether a start created the instance or found it already there.
public enum StartOutcome: Sendable {
    case created(InstanceRecord)
    case existing(InstanceRecord)

    public var record: InstanceRecord {
        switch self {
        case .created(let record), .existing(let record): record
        }
    }

    public var wasCreated: Bool {
        if case .created = self { return true }
        return false
    }
}

/// A lifetime's writes for one instance.
public struct StoreBatch: Sendable {
    public var instance: Int64
    /// The epoch the lifetime started with; `nil` for the batch that creates the instance.
    public var epoch: Int64?
    public var ops: [StoreOp]

    public init(instance: Int64, epoch: Int64?, ops: [StoreOp]) {
        self.instance = instance
        self.epoch = epoch
        self.ops = ops
    }
}

/// One write inside a ``StoreBatch``.
public enum StoreOp: Sendable {
    case insertInstance(InstanceRecord)
    /// A trigger's own write (its ledger row) committed with the instance it creates.
    case alongside(@Sendable (any StoreTransaction) throws -> Void)
    /// Sets a live status (`running`/`waiting`) unless the instance is pausing, paused or finished.
    case runState(InstanceStatus, waitingFor: WaitReason?, wakeAt: Date?, at: Date)
    /// Ends the lifetime as paused (after a pause request reached a step boundary).
    case paused(at: Date)
    /// Ends the instance: `complete` with output or `errored` with error. Clears its timer.
    case finish(InstanceStatus, output: Data?, error: ErrorInfo?, at: Date)
    /// Writes the step's row, its attempt log included.
    case putStep(StepRecord)
    /// Starts a wait: takes the oldest buffered event of the step's type, or stores the step as waiting.
    case beginWait(StepRecord)
    /// Times a wait out unless an event was delivered into it meanwhile.
    case timeoutWait(StepRecord)
    case setTimer(Date)
    case clearTimer
}

/// The outcome of a command.
public enum StoreResult: Sendable {
    case done
    /// Events handed to waits by `beginWait`/`timeoutWait`.
    case events([StepKey: ReceivedEvent])
    case inserted([Int64])
    case event(EventOutcome)
    case control(ControlOutcome)
    case recovered(RecoveryPlan)
    case purged(Int)
    case started(StartOutcome)
    case startedMany([StartOutcome])
    case custom(any Sendable)
}

public struct EventDelivery: Sendable {
    public var workflow: String
    public var instanceID: String
    public var type: String
    public var payload: Data
    public var at: Date
    /// Events this instance may hold buffered; a delivery beyond it is refused.
    public var maxBuffered: Int
    /// The caller's own write (a webhook's delivery record), in the same transaction as the
    /// event; throwing undoes both.
    public var alongside: (@Sendable (EventOutcome, any StoreTransaction) throws -> Void)?

    public init(workflow: String, instanceID: String, type: String, payload: Data, at: Date, maxBuffered: Int = 1_000,
                alongside: (@Sendable (EventOutcome, any StoreTransaction) throws -> Void)? = nil) {
        self.workflow = workflow
        self.instanceID = instanceID
        self.type = type
        self.payload = payload
        self.at = at
        self.maxBuffered = maxBuffered
        self.alongside = alongside
    }
}

public struct EventOutcome: Sendable {
    public var instance: Int64
    /// The waiting step that received the event, or `nil` if it was buffered.
    public var deliveredTo: StepKey?
    public var event: ReceivedEvent
    public var instanceStatus: InstanceStatus
}

public struct ControlRequest: Sendable {
    /// `fail` ends an unfinished instance as `errored` with ``error``, for a failure found
    /// outside its run (a dropped file that vanished).
    public enum Action: String, Sendable { case pause, resume, terminate, restart, requestPause, fail }
    public var instance: Int64
    public var action: Action
    public var at: Date
    /// The error a `fail` records.
    public var error: ErrorInfo?

    public init(instance: Int64, action: Action, at: Date, error: ErrorInfo? = nil) {
        self.instance = instance
        self.action = action
        self.at = at
        self.error = error
    }
}

public struct ControlOutcome: Sendable {
    /// The status after the command.
    public var status: InstanceStatus
    /// Whether the engine should start a lifetime now (resume from paused, restart).
    public var shouldRun: Bool
    /// Whether anything changed.
    public var changed: Bool

    public init(status: InstanceStatus, shouldRun: Bool, changed: Bool) {
        self.status = status
        self.shouldRun = shouldRun
        self.changed = changed
    }
}

public struct RecoveryPlan: Sendable {
    /// Instances to replay at once.
    public var runnable: [Int64]
    /// How many `waitingForPause` instances were settled as `paused`.
    public var settledPauses: Int
}

/// A timer the timer service fired.
public struct FiredTimer: Sendable, Hashable {
    public var instance: Int64
    public var wakeAt: Date
    public init(instance: Int64, wakeAt: Date) {
        self.instance = instance
        self.wakeAt = wakeAt
    }
}
