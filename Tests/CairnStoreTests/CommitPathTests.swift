import Cairn
@testable import CairnStore
import CairnTesting
import Foundation
import GRDB
import Synchronization
import Testing

/// The writer's hazards: a caller never leads more than one transaction, a failed rollback
/// poisons the store instead of crashing, text is stored whole, and the sweep query finds
/// instances that nothing will wake.
@Suite struct CommitPathTests {
    /// Which thread ran each unit (pthread IDs; names are unreliable under libdispatch).
    final class Threads: Sendable {
        let ids = Mutex<[Int: UInt]>([:])
        let leader = Mutex<UInt>(0)
        func note(_ unit: Int) { ids.withLock { $0[unit] = UInt(pthread_self()) } }
    }

    @Test func aCallerLeaderCommitsOneTransactionAndHandsTheRestToTheWriter() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let pool = try DatabasePool(path: dir.file("g.sqlite"))
        let committer = GroupCommitter(pool: pool)
        defer { committer.stop() }
        let threads = Threads()
        let done = DispatchSemaphore(value: 0)
        let submitLater: @Sendable (Int) -> Void = { unit in
            committer.submit({ _ in threads.note(unit) }, finish: { _ in done.signal() })
        }
        // Unit 0 is led by the calling thread; while it commits, units 1 and 2 arrive.
        await Task.detached {
            threads.leader.withLock { $0 = UInt(pthread_self()) }
            let leads = committer.submit({ _ in
                threads.note(0)
                submitLater(1)
                submitLater(2)
            }, finish: { _ in done.signal() }, offerToLead: true)
            #expect(leads)
            committer.lead()
        }.value
        await Task.detached { for _ in 0..<3 { done.wait() } }.value
        let ids = threads.ids.withLock { $0 }
        let leader = threads.leader.withLock { $0 }
        #expect(ids[0] == leader)
        #expect(ids[1] != leader)     // arrived during the caller's commit: the writer thread took them
        #expect(ids[2] != leader)
        #expect(ids[1] == ids[2])
    }

    final class Outcomes: Sendable {
        let errors = Mutex<[String]>([])
        let done = DispatchSemaphore(value: 0)
    }

    @Test func aFailedRollbackPoisonsTheStoreWithAClearErrorInsteadOfCrashing() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true
        let pool = try DatabasePool(path: dir.file("g.sqlite"), configuration: configuration)
        try await pool.write { db in try db.execute(sql: "CREATE TABLE t (x INTEGER)") }
        // A rollback statement that fails and leaves the transaction open, as an I/O error would.
        let committer = GroupCommitter(pool: pool, rollbackSQL: "SELECT * FROM no_such_table")
        defer { committer.stop() }
        let outcomes = Outcomes()
        let record: @Sendable (Error?) -> Void = { error in
            outcomes.errors.withLock { $0.append(error.map { "\($0)" } ?? "ok") }
            outcomes.done.signal()
        }
        committer.submit({ db in
            try db.execute(sql: "INSERT INTO t VALUES (1)")
            throw StoreError(.io, "the unit fails")
        }, finish: record)
        await Task.detached { outcomes.done.wait() }.value
        committer.submit({ db in try db.execute(sql: "INSERT INTO t VALUES (2)") }, finish: record)
        await Task.detached { outcomes.done.wait() }.value
        let errors = outcomes.errors.withLock { $0 }
        #expect(errors.count == 2)
        #expect(errors.allSatisfy { $0.contains("poisoned") && $0.contains("Restart cairn") })
    }

    @Test func textWithAnEmbeddedNULIsStoredWhole() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStore(path: dir.file("c.sqlite"))
        defer { store.close() }
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let instance = InstanceRecord(rowID: 1, workflow: "w", id: "a", status: .running, params: Data("{}".utf8), trigger: "api",
                                      createdAt: now, updatedAt: now)
        let message = "before\u{0}after \"quoted\" \\ \u{1F}\n\u{1F600}"
        var step = StepRecord(instance: 1, key: StepKey(kind: .do, name: "s", count: 1), seq: 1, status: .retrying,
                              error: ErrorInfo(name: "E", message: message), startedAt: now)
        _ = step.beginAttempt(at: now)
        step.endAttempt(at: now, error: ErrorInfo(name: "E", message: message))
        _ = try await store.perform(.batch(StoreBatch(instance: 1, epoch: nil, ops: [.insertInstance(instance), .putStep(step)])))
        let bytes = try await store.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT length(CAST(error_message AS BLOB)) FROM steps")
        }
        #expect(bytes == message.utf8.count)
        // The attempt log (JSON in the step's row) keeps it whole too.
        let attempts = try #require(try store.history(workflow: "w", id: "a")).attempts
        #expect(attempts.map(\.error?.message) == [message])
        #expect(attempts.map(\.success) == [false])
    }

    @Test func theSweepQuerySkipsFutureTimersAndFindsInstancesNothingWillWake() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStore(path: dir.file("c.sqlite"))
        defer { store.close() }
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        func record(_ row: Int64, _ status: InstanceStatus) -> InstanceRecord {
            InstanceRecord(rowID: row, workflow: "w", id: "i\(row)", status: status, params: Data("{}".utf8), trigger: "api",
                           createdAt: now, updatedAt: now)
        }
        _ = try await store.perform(.batch(StoreBatch(instance: 1, epoch: nil, ops: [.insertInstance(record(1, .waiting)), .setTimer(now.addingTimeInterval(60))])))
        _ = try await store.perform(.batch(StoreBatch(instance: 2, epoch: nil, ops: [.insertInstance(record(2, .waiting))])))
        _ = try await store.perform(.batch(StoreBatch(instance: 3, epoch: nil, ops: [.insertInstance(record(3, .complete))])))
        _ = try await store.perform(.batch(StoreBatch(instance: 4, epoch: nil, ops: [.insertInstance(record(4, .paused))])))
        #expect(try store.orphans(now: now, limit: 10).map(\.rowID) == [2])
        // Once its timer is due (or lost) the first one needs a lifetime too.
        #expect(try store.orphans(now: now.addingTimeInterval(61), limit: 10).map(\.rowID) == [1, 2])
    }
}
