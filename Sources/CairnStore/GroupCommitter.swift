import Foundation
internal import GRDB

/// The single writer. Callers submit units of work; whoever leads drains everything queued,
/// runs it in one `BEGIN IMMEDIATE` transaction, commits once (one fsync), then completes
/// every unit. Sixteen concurrent instances thus share one commit; one instance alone pays
/// one commit per flush.
///
/// Two kinds of leader, one at a time: a dedicated thread, and the submitting thread itself
/// when it offers to lead and the writer is quiet (the last transaction held one unit and
/// nobody leads). A caller that leads commits its own unit without two thread hand-offs (to
/// the writer and back), which profiling showed cost about 100 µs a step on this machine,
/// most of it waking an idle thread. Under concurrent load the dedicated thread leads, so
/// commits never hold one of the few cooperative threads while others have work.
final class GroupCommitter: @unchecked Sendable {
    // `queue`, `leading` and `stopped` are only touched with `condition` locked.
    private let condition = NSCondition()
    private var queue: [Unit] = []
    private var leading = false
    private var lastTransactionUnits = 0
    private var stopped = false
    /// Threads in ``waitUntilIdle(timeout:)``; a drain wakes them only when there are any.
    private var idleWaiters = 0
    /// Set when a failed ROLLBACK left the connection in an unknown transaction state; every
    /// later unit fails with it. Only touched by the leading thread (one at a time).
    private var poison: StoreError?
    private let pool: DatabasePool
    private let maxUnitsPerTransaction: Int
    private let rollbackSQL: String
    private var thread: Thread?

    struct Unit {
        var work: (Database) throws -> Void
        var finish: (Error?) -> Void
    }

    /// - Parameter rollbackSQL: tests replace it to make a rollback fail; the pool must allow
    ///   unsafe transactions on its writer so a failed rollback is survivable.
    init(pool: DatabasePool, maxUnitsPerTransaction: Int = 512, rollbackSQL: String = "ROLLBACK") {
        self.pool = pool
        self.maxUnitsPerTransaction = maxUnitsPerTransaction
        self.rollbackSQL = rollbackSQL
        // The thread keeps the committer alive until `stop()` lets its loop end.
        let thread = Thread { self.loop() }
        thread.name = "cairn-writer"
        thread.stackSize = 1 << 20
        self.thread = thread
        thread.start()
    }

    /// Queues a unit. `finish` runs on the leading thread after the commit (or the failure).
    /// With `offerToLead`, returns `true` when the caller should now call ``lead()`` (the
    /// dedicated thread was then not woken); otherwise the dedicated thread takes the unit.
    @discardableResult
    func submit(_ work: @escaping (Database) throws -> Void, finish: @escaping (Error?) -> Void, offerToLead: Bool = false) -> Bool {
        condition.lock()
        if stopped {
            condition.unlock()
            finish(StoreError(.closed, "The store is closed; the engine is shutting down."))
            return false
        }
        let wasEmpty = queue.isEmpty
        queue.append(Unit(work: work, finish: finish))
        let callerLeads = offerToLead && !leading && wasEmpty && lastTransactionUnits <= 1
        if !callerLeads && !leading { condition.signal() }
        condition.unlock()
        return callerLeads
    }

    /// Commits what is queued on the calling thread, unless another leader is at work (it
    /// will take the queued units). Returns when the queue is empty or led by someone else.
    func lead() {
        condition.lock()
        guard !leading, !queue.isEmpty else {
            condition.unlock()
            return
        }
        leading = true
        drain(callerLeads: true)
    }

    /// Stops after draining what is queued.
    func stop() {
        condition.lock()
        stopped = true
        // Broadcast: a thread in waitUntilIdle could take a signal meant for the writer.
        condition.broadcast()
        condition.unlock()
    }

    /// Waits (bounded, in case a unit hangs) until nothing is queued and nobody commits, so
    /// that a store's lock is released only after its last write.
    func waitUntilIdle(timeout: TimeInterval = 30) {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        idleWaiters += 1
        while leading || !queue.isEmpty {
            if !condition.wait(until: deadline) { break }
        }
        idleWaiters -= 1
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while (queue.isEmpty || leading) && !stopped { condition.wait() }
            if queue.isEmpty && stopped {
                condition.unlock()
                return
            }
            if leading {
                // Stopping while a caller leads: it drains the queue.
                condition.unlock()
                return
            }
            leading = true
            drain(callerLeads: false)
        }
    }

    /// Runs transactions until the queue is empty. Called with `condition` locked and
    /// `leading` set; returns with it unlocked and `leading` cleared. A calling thread (a
    /// cooperative one, usually) commits one transaction only: work that arrived meanwhile is
    /// handed to the writer thread, so a burst never holds a caller through several fsyncs.
    /// Once stopped, the writer thread may already be gone, so a caller drains everything.
    private func drain(callerLeads: Bool) {
        while true {
            let take = min(queue.count, maxUnitsPerTransaction)
            let units = Array(queue.prefix(take))
            queue.removeFirst(take)
            lastTransactionUnits = take
            condition.unlock()
            run(units)
            condition.lock()
            if queue.isEmpty || (callerLeads && !stopped) {
                leading = false
                // Wakes the writer loop (it takes what a caller-leader left) and waitUntilIdle,
                // but only when either has a reason to wake: waking the idle writer after
                // every caller-led commit cost a futex wake and a context switch per step.
                if !queue.isEmpty || idleWaiters > 0 { condition.broadcast() }
                condition.unlock()
                return
            }
        }
    }

    private func run(_ units: [Unit]) {
        if let poison {
            for unit in units { unit.finish(poison) }
            return
        }
        var errors = [Error?](repeating: nil, count: units.count)
        do {
            try pool.writeWithoutTransaction { db in
                // Fast path: every unit straight into one transaction, no savepoints (two
                // statements fewer per unit). Units almost never fail; if one does, the
                // transaction is rolled back and, with other units in it, redone with a
                // savepoint per unit, so a failing unit neither leaves partial writes nor
                // sinks the others.
                // BEGIN and COMMIT go through prepared statements too: GRDB's inTransaction
                // parses its BEGIN and COMMIT text on every call.
                var failed: (index: Int, error: Error)?
                try RawStatement(db, "BEGIN IMMEDIATE").run()
                for index in units.indices {
                    do {
                        try units[index].work(db)
                    } catch {
                        failed = (index, error)
                        break
                    }
                }
                if failed == nil {
                    do {
                        try RawStatement(db, "COMMIT").run()
                    } catch {
                        try rollback(db, after: error)
                        throw error
                    }
                    return
                }
                guard let failed else { return }
                try rollback(db, after: failed.error)
                if units.count == 1 {
                    errors[0] = failed.error
                    return
                }
                try RawStatement(db, "BEGIN IMMEDIATE").run()
                for index in units.indices {
                    do {
                        try RawStatement(db, "SAVEPOINT unit").run()
                        do {
                            try units[index].work(db)
                        } catch {
                            errors[index] = error
                            try RawStatement(db, "ROLLBACK TO SAVEPOINT unit").run()
                        }
                        try RawStatement(db, "RELEASE SAVEPOINT unit").run()
                    } catch {
                        try rollback(db, after: error)
                        throw error
                    }
                }
                do {
                    try RawStatement(db, "COMMIT").run()
                } catch {
                    try rollback(db, after: error)
                    throw error
                }
            }
        } catch let error as StoreError where error.code == .poisoned {
            for index in units.indices { errors[index] = error }
        } catch {
            let failure = StoreError(.io, "Could not commit to the database: \(error). Check free disk space and file permissions.", cause: SendableErrorBox(error))
            for index in units.indices where errors[index] == nil { errors[index] = failure }
        }
        for index in units.indices { units[index].finish(errors[index]) }
    }

    /// Ends the open transaction after `error`. If SQLite cannot roll back (the connection's
    /// state is then unknown), the store is poisoned: this and every later unit fail with a
    /// message that says to restart; committed data is safe in the file.
    private func rollback(_ db: Database, after error: any Error) throws {
        guard db.isInsideTransaction else { return }
        do {
            try RawStatement(db, rollbackSQL).run()
        } catch {}
        guard db.isInsideTransaction else { return }
        let poison = StoreError(.poisoned, "The database connection could not roll back a failed transaction (\(error)); Cairn stopped writing to stay consistent. Restart cairn: everything committed so far is safe and resumes by replay.")
        self.poison = poison
        throw poison
    }
}

/// Carries a non-Sendable error's description across isolation boundaries.
struct SendableErrorBox: Error, CustomStringConvertible, Sendable {
    let description: String
    init(_ error: any Error) { description = String(describing: error) }
}
