@testable import CairnStore
import CairnTesting
import Foundation
import GRDB
import Synchronization
import Testing

/// The writer's fast path (no savepoints) must not change what a failing unit can do: its
/// partial writes vanish, and the other units of its transaction still commit.
@Suite struct GroupCommitterTests {
    final class Outcomes: Sendable {
        let errors = Mutex<[Int: String]>([:])
        let finished = DispatchSemaphore(value: 0)
    }

    @Test func aUnitFailingMidwayLeavesNothingAndTheOthersCommit() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let pool = try DatabasePool(path: dir.file("g.sqlite"))
        try await pool.write { db in try db.execute(sql: "CREATE TABLE t (unit INTEGER NOT NULL, part TEXT NOT NULL)") }
        let committer = GroupCommitter(pool: pool)
        defer { committer.stop() }
        let outcomes = Outcomes()
        let release = DispatchSemaphore(value: 0)
        let blocking = DispatchSemaphore(value: 0)

        // Unit 0 holds the first transaction open so units 1-3 queue up for the next one.
        committer.submit({ db in
            blocking.signal()
            release.wait()
            try db.execute(sql: "INSERT INTO t VALUES (0, 'only')")
        }, finish: { _ in outcomes.finished.signal() })
        blocking.wait()
        for unit in 1...3 {
            committer.submit({ db in
                try db.execute(sql: "INSERT INTO t VALUES (?, 'first')", arguments: [unit])
                if unit != 2 { throw StoreError(.superseded, "unit \(unit) gives up after writing") }
                try db.execute(sql: "INSERT INTO t VALUES (?, 'second')", arguments: [unit])
            }, finish: { error in
                if let error { outcomes.errors.withLock { $0[unit] = "\(error)" } }
                outcomes.finished.signal()
            })
        }
        release.signal()
        await Task.detached { for _ in 0..<4 { outcomes.finished.wait() } }.value

        let rows = try await pool.read { db in try Row.fetchAll(db, sql: "SELECT unit, part FROM t ORDER BY unit, part") }
        #expect(rows.map { "\($0["unit"] as Int):\($0["part"] as String)" } == ["0:only", "2:first", "2:second"])
        let errors = outcomes.errors.withLock { $0 }
        #expect(errors.keys.sorted() == [1, 3])
        #expect(errors[1]?.contains("unit 1 gives up") == true)
    }
}
