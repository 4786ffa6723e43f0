import Foundation
import GRDB

/// The single writer. Callers submit units of work; a dedicated thread drains everything
/// queued, runs each unit in its own savepoint inside one `BEGIN IMMEDIATE` transaction,
/// commits once (one fsync), then completes every unit. Sixteen concurrent instances thus
/// share one commit; one instance alone pays one commit per flush.
///
/// A thread rather than a task: `sqlite3_step` and `fsync` block, and must not hold a
/// thread of Swift's cooperative pool.
final class GroupCommitter: @unchecked Sendable {
    // `queue` and `stopped` are only touched with `condition` locked.
    private let condition = NSCondition()
    private var queue: [Unit] = []
    private var stopped = false
    private let pool: DatabasePool
    private let maxUnitsPerTransaction: Int
    private var thread: Thread?

    struct Unit {
        var work: (Database) throws -> Void
        var finish: (Error?) -> Void
    }

    init(pool: DatabasePool, maxUnitsPerTransaction: Int = 512) {
        self.pool = pool
        self.maxUnitsPerTransaction = maxUnitsPerTransaction
        // The thread keeps the committer alive until `stop()` lets its loop end.
        let thread = Thread { self.loop() }
        thread.name = "cairn-writer"
        thread.stackSize = 1 << 20
        self.thread = thread
        thread.start()
    }

    /// Queues a unit. `finish` runs on the writer thread after the commit (or the failure).
    func submit(_ work: @escaping (Database) throws -> Void, finish: @escaping (Error?) -> Void) {
        condition.lock()
        if stopped {
            condition.unlock()
            finish(StoreError(.closed, "The store is closed; the engine is shutting down."))
            return
        }
        queue.append(Unit(work: work, finish: finish))
        condition.signal()
        condition.unlock()
    }

    /// Stops after draining what is queued.
    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while queue.isEmpty && !stopped { condition.wait() }
            if queue.isEmpty && stopped {
                condition.unlock()
                return
            }
            let take = min(queue.count, maxUnitsPerTransaction)
            let units = Array(queue.prefix(take))
            queue.removeFirst(take)
            condition.unlock()
            run(units)
        }
    }

    private func run(_ units: [Unit]) {
        var errors = [Error?](repeating: nil, count: units.count)
        do {
            try pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    for index in units.indices {
                        do {
                            try db.inSavepoint {
                                try units[index].work(db)
                                return .commit
                            }
                        } catch {
                            errors[index] = error
                        }
                    }
                    return .commit
                }
            }
        } catch {
            let failure = StoreError(.io, "Could not commit to the database: \(error). Check free disk space and file permissions.", cause: SendableErrorBox(error))
            for index in units.indices where errors[index] == nil { errors[index] = failure }
        }
        for index in units.indices { units[index].finish(errors[index]) }
    }
}

/// Carries a non-Sendable error's description across isolation boundaries.
struct SendableErrorBox: Error, CustomStringConvertible, Sendable {
    let description: String
    init(_ error: any Error) { description = String(describing: error) }
}
