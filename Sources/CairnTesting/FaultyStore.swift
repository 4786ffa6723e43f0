import Cairn
import CairnStore
import Foundation
import Synchronization

/// A store that fails writes on demand, as a full or failing disk would: while a fault is
/// set, every command it matches completes with an `io` error and commits nothing. It can
/// also stall writes, as a disk whose fsync hangs would: they wait, uncommitted, until
/// ``resume()`` lets them through. Reads pass through. Wraps a real store, so everything else
/// behaves as in production.
public final class FaultyStore: WorkflowStore {
    public let base: any WorkflowStore
    private let fault = Mutex<(@Sendable (StoreCommand) -> Bool)?>(nil)
    private let refusals = Atomic<Int>(0)
    /// While stalled, the writes held back (command and completion), in order.
    private let stalled = Mutex<[(StoreCommand, @Sendable (Result<StoreResult, StoreError>) -> Void)]?>(nil)

    public init(_ base: any WorkflowStore) {
        self.base = base
    }

    /// Fails every write that `matching` selects (all writes by default) until ``heal()``.
    public func failWrites(matching: @escaping @Sendable (StoreCommand) -> Bool = { _ in true }) {
        fault.withLock { $0 = matching }
    }

    /// Lets writes through again.
    public func heal() {
        fault.withLock { $0 = nil }
    }

    /// Holds every write from now on, uncommitted, until ``resume()``.
    public func stallWrites() {
        stalled.withLock { if $0 == nil { $0 = [] } }
    }

    /// Lets the held writes through, in order, and stops holding new ones.
    public func resume() {
        let held = stalled.withLock { held in
            defer { held = nil }
            return held ?? []
        }
        for (command, completion) in held { base.submit(command, offerToLead: false, completion: completion) }
    }

    /// How many writes were refused so far.
    public var refusedWrites: Int { refusals.load(ordering: .relaxed) }

    @discardableResult
    public func submit(_ command: StoreCommand, offerToLead: Bool, completion: @escaping @Sendable (Result<StoreResult, StoreError>) -> Void) -> Bool {
        if let matches = fault.withLock({ $0 }), matches(command) {
            refusals.add(1, ordering: .relaxed)
            completion(.failure(StoreError(.io, "Could not commit to the database: disk I/O error (injected fault). Check free disk space and file permissions.")))
            return false
        }
        let held = stalled.withLock { held -> Bool in
            guard held != nil else { return false }
            held?.append((command, completion))
            return true
        }
        if held { return false }
        return base.submit(command, offerToLead: offerToLead, completion: completion)
    }

    public func lead() { base.lead() }
    public func instance(workflow: String, id: String) throws -> InstanceRecord? { try base.instance(workflow: workflow, id: id) }
    public func instance(rowID: Int64) throws -> InstanceRecord? { try base.instance(rowID: rowID) }
    public func replayState(rowID: Int64) throws -> (InstanceRecord, [StepRecord])? { try base.replayState(rowID: rowID) }
    public func history(workflow: String, id: String) throws -> InstanceHistory? { try base.history(workflow: workflow, id: id) }
    public func listInstances(workflow: String, status: InstanceStatus?, limit: Int, before: InstanceCursor?) throws -> [InstanceRecord] {
        try base.listInstances(workflow: workflow, status: status, limit: limit, before: before)
    }
    public func latestInstance(workflow: String) throws -> InstanceRecord? { try base.latestInstance(workflow: workflow) }
    public func countsByStatus() throws -> [String: [InstanceStatus: Int]] { try base.countsByStatus() }
    public func timers(until: Date?, limit: Int) throws -> [(instance: Int64, wakeAt: Date)] { try base.timers(until: until, limit: limit) }
    public func orphans(now: Date, limit: Int) throws -> [(rowID: Int64, workflow: String)] { try base.orphans(now: now, limit: limit) }
    public func pendingTimerCount() throws -> Int { try base.pendingTimerCount() }
    public func maxRowID() throws -> Int64 { try base.maxRowID() }
    public func read<T>(_ work: (any StoreTransaction) throws -> T) throws -> T { try base.read(work) }
    public func close() { base.close() }
}
