import Cairn
import Foundation

/// What the engine needs from persistence. GRDB types stay behind this protocol so that a
/// second store (PostgreSQL, for several nodes) can be added later.
public protocol WorkflowStore: AnyObject, Sendable {
    /// Queues a command for the writer; `completion` runs once it has committed (or failed).
    /// Commands are committed in submission order. With `offerToLead`, a `true` result asks
    /// the caller to call ``lead()`` next, committing on its own thread instead of waking the
    /// writer (the store says yes only when the writer is quiet).
    @discardableResult
    func submit(_ command: StoreCommand, offerToLead: Bool, completion: @escaping @Sendable (Result<StoreResult, StoreError>) -> Void) -> Bool

    /// Commits queued commands on the calling thread (blocking it for the commit) unless
    /// another thread is already committing them.
    func lead()

    func instance(workflow: String, id: String) throws -> InstanceRecord?
    func instance(rowID: Int64) throws -> InstanceRecord?
    /// The instance with all its steps (by start order), read together.
    func replayState(rowID: Int64) throws -> (InstanceRecord, [StepRecord])?
    /// The instance with its steps and their attempts, read together.
    func history(workflow: String, id: String) throws -> InstanceHistory?
    /// Newest first; `before` is a `(createdAt, rowID)` cursor from the previous page.
    func listInstances(workflow: String, status: InstanceStatus?, limit: Int, before: InstanceCursor?) throws -> [InstanceRecord]
    /// The newest instance of a workflow, if any.
    func latestInstance(workflow: String) throws -> InstanceRecord?
    /// Instance counts per workflow and status.
    func countsByStatus() throws -> [String: [InstanceStatus: Int]]
    /// Timers due at or before `until` (all if `nil`), earliest first.
    func timers(until: Date?, limit: Int) throws -> [(instance: Int64, wakeAt: Date)]
    /// Unfinished instances (`queued`, `running`, `waiting`) with no timer in the future after
    /// `now`: each needs a lifetime. The engine's sweep restarts those it has none for.
    func orphans(now: Date, limit: Int) throws -> [(rowID: Int64, workflow: String)]
    func pendingTimerCount() throws -> Int
    func maxRowID() throws -> Int64
    /// Runs a feature's queries on a reader (never blocks the writer).
    func read<T>(_ work: (any StoreTransaction) throws -> T) throws -> T
    func close()
}

extension WorkflowStore {
    /// Queues a command for the writer thread.
    public func submit(_ command: StoreCommand, completion: @escaping @Sendable (Result<StoreResult, StoreError>) -> Void) {
        submit(command, offerToLead: false, completion: completion)
    }

    /// Runs a feature's write in the group transaction and returns its result once committed.
    public func transaction<T: Sendable>(_ work: @escaping @Sendable (any StoreTransaction) throws -> T) async throws(StoreError) -> T {
        guard case .custom(let value) = try await perform(.custom { try work($0) }), let typed = value as? T else {
            throw StoreError(.io, "The store returned an unexpected result for a feature's write.")
        }
        return typed
    }

    /// Submits and waits for the commit.
    public func perform(_ command: StoreCommand) async throws(StoreError) -> StoreResult {
        let result: Result<StoreResult, StoreError> = await withCheckedContinuation { continuation in
            submit(command) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }
}

/// An instance with its steps and attempts.
public struct InstanceHistory: Sendable {
    public var instance: InstanceRecord
    public var steps: [StepRecord]
    public var attempts: [AttemptRecord]
}

/// A position in a newest-first listing.
public struct InstanceCursor: Sendable, Hashable {
    public var createdAt: Date
    public var rowID: Int64
    public init(createdAt: Date, rowID: Int64) {
        self.createdAt = createdAt
        self.rowID = rowID
    }
}
