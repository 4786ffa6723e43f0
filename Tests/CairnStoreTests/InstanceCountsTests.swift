import Cairn
import CairnStore
import CairnTesting
import Foundation
import Testing

/// `countsByStatus` reads a counter table the schema's triggers keep in the same
/// transactions as the instances (so `/metrics` and `GET /workflows` do not scan): after
/// inserts, status changes, a failed write and a purge it equals a full count.
@Suite struct InstanceCountsTests {
    static func fullCount(_ path: String) throws -> String {
        try ExternalSQLite.value(path, "SELECT group_concat(workflow || ':' || status || '=' || n, ' ') FROM (SELECT workflow, status, COUNT(*) AS n FROM instances GROUP BY workflow, status ORDER BY workflow, status)")
    }

    static func text(_ counts: [String: [InstanceStatus: Int]]) -> String {
        counts.flatMap { workflow, byStatus in byStatus.filter { $0.value > 0 }.map { "\(workflow):\($0.key.rawValue)=\($0.value)" } }.sorted().joined(separator: " ")
    }

    @Test func countsFollowInsertsStatusChangesFailedWritesAndPurges() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("c.sqlite")
        let store = try SQLiteStore(path: path)
        let now = Date()
        func record(_ row: Int64, _ workflow: String, _ id: String) -> InstanceRecord {
            InstanceRecord(rowID: row, workflow: workflow, id: id, status: .queued, params: Data("{}".utf8), trigger: "api", createdAt: now, updatedAt: now)
        }
        for row in Int64(1)...6 {
            _ = try await store.perform(.batch(StoreBatch(instance: row, epoch: nil, ops: [.insertInstance(record(row, row <= 4 ? "a" : "b", "i\(row)"))])))
        }
        #expect(Self.text(try store.countsByStatus()) == "a:queued=4 b:queued=2")
        // A duplicate id fails and rolls back: its count with it.
        await #expect(throws: StoreError.self) {
            _ = try await store.perform(.batch(StoreBatch(instance: 7, epoch: nil, ops: [.insertInstance(record(7, "a", "i1"))])))
        }
        _ = try await store.perform(.batch(StoreBatch(instance: 1, epoch: nil, ops: [.runState(.running, waitingFor: nil, wakeAt: nil, at: now)])))
        for row in Int64(2)...3 {
            _ = try await store.perform(.batch(StoreBatch(instance: row, epoch: nil, ops: [.finish(.complete, output: nil, error: nil, at: now.addingTimeInterval(-3600))])))
        }
        _ = try await store.perform(.batch(StoreBatch(instance: 5, epoch: nil, ops: [.finish(.errored, output: nil, error: nil, at: now)])))
        #expect(Self.text(try store.countsByStatus()) == "a:complete=2 a:queued=1 a:running=1 b:errored=1 b:queued=1")
        // Retention deletes the two that ended an hour ago.
        _ = try await store.perform(.purge(endedBefore: now.addingTimeInterval(-60), limit: 100))
        let counts = Self.text(try store.countsByStatus())
        #expect(counts == "a:queued=1 a:running=1 b:errored=1 b:queued=1")
        store.close()
        #expect(try Self.fullCount(path) == counts)
    }

    @Test func upgradingADatabaseWithoutTheCounterTableCountsWhatIsThere() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("c.sqlite")
        var store = try SQLiteStore(path: path)
        let now = Date()
        for row in Int64(1)...5 {
            let record = InstanceRecord(rowID: row, workflow: "w", id: "i\(row)", status: row <= 2 ? .complete : .waiting, params: Data("{}".utf8),
                                        trigger: "api", createdAt: now, updatedAt: now)
            _ = try await store.perform(.batch(StoreBatch(instance: row, epoch: nil, ops: [.insertInstance(record)])))
        }
        store.close()
        // As the release before it left the file: no counter table, no triggers, migration unrecorded.
        try ExternalSQLite.execute(path, """
            DROP TRIGGER instance_counts_insert; DROP TRIGGER instance_counts_delete; DROP TRIGGER instance_counts_update;
            DROP TABLE instance_counts; DELETE FROM grdb_migrations WHERE identifier = 'v4-instance-counts';
            """)
        #expect(try ExternalSQLite.value(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'instance_counts'") == "0")

        store = try SQLiteStore(path: path)
        #expect(Self.text(try store.countsByStatus()) == "w:complete=2 w:waiting=3")
        store.close()
    }
}
