import Cairn
@testable import CairnStore
import CairnTesting
import Foundation
import Testing

@Suite struct SQLiteStoreTests {
    @Test func defaultsToWALAndSynchronousFull() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStore(path: dir.file("c.sqlite"))
        defer { store.close() }
        #expect(try store.synchronousLevel() == 2)
        #expect(try store.journalMode() == "wal")
    }

    @Test func aFeatureWriteBindsEveryKindOfValueAndRefusesAWrongArgumentCount() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let table = StoreMigration(feature: "probe", number: 1, "values", sql: "CREATE TABLE probe_values (i INTEGER, r REAL, t TEXT, b BLOB, n ANY) STRICT")
        let store = try SQLiteStore(path: dir.file("v.sqlite"), migrations: [table])
        defer { store.close() }
        let inserted = try await store.transaction { tx in
            try tx.execute("INSERT INTO probe_values (i, r, t, b, n) VALUES (?, ?, ?, ?, ?), (?, ?, ?, ?, ?)", [
                .integer(-7), .real(2.5), .text("a\u{0}b é"), .blob(Data([0, 1, 255])), .null,
                .integer(Int64.max), .real(1e-300), .text(""), .blob(Data()), .null,
            ])
        }
        #expect(inserted == 2)
        let rows = try store.read { try $0.rows("SELECT i, r, t, length(CAST(t AS BLOB)) AS bytes, b, n, typeof(b) AS kind FROM probe_values ORDER BY rowid", []) }
        #expect(rows.map { $0["i"].integer } == [-7, Int64.max])
        #expect(rows.map { $0["r"].real } == [2.5, 1e-300])
        // Text is bound with its byte length: an embedded NUL does not cut it short.
        #expect(rows.map { $0["bytes"].integer } == [6, 0])
        #expect(rows.last?["t"].text == "")
        #expect(rows.map { $0["b"].blob } == [Data([0, 1, 255]), Data()])
        #expect(rows.map { $0["kind"].text } == ["blob", "blob"])
        #expect(rows.allSatisfy { $0["n"].isNull })
        // Too few or too many values: an error that says so, and nothing written.
        for values: [SQLValue] in [[.integer(1)], [.integer(1), .integer(2), .integer(3)]] {
            let error = await #expect(throws: StoreError.self) {
                try await store.transaction { tx in try tx.execute("INSERT INTO probe_values (i, r) VALUES (?, ?)", values) }
            }
            #expect(error?.message.contains("expected 2") == true, "\(String(describing: error))")
        }
        // A statement that failed while stepping (STRICT refuses text in an INTEGER column) is
        // reset: the same cached statement then runs again.
        let insert = "INSERT INTO probe_values (i, t) VALUES (?, ?)"
        await #expect(throws: StoreError.self) {
            try await store.transaction { tx in try tx.execute(insert, [.text("not an integer"), .text("x")]) }
        }
        try await store.transaction { tx in try tx.execute(insert, [.integer(3), .null]) }
        #expect(try store.read { try $0.row("SELECT t FROM probe_values WHERE i = 3")?["t"].isNull } == true)
        // A write that returns rows runs to its end; DDL goes through GRDB and is usable at once.
        let changed = try await store.transaction { tx in
            _ = try tx.execute("CREATE TABLE probe_more (k INTEGER)", [])
            _ = try tx.execute("INSERT INTO probe_more (k) VALUES (1), (2)", [])
            return try tx.execute("UPDATE probe_values SET n = 'seen' RETURNING i", [])
        }
        #expect(changed == 3)
        #expect(try store.read { try $0.row("SELECT COUNT(*) AS n FROM probe_values WHERE n = 'seen'")?["n"].integer } == 3)
        #expect(try store.read { try $0.row("SELECT SUM(k) AS n FROM probe_more")?["n"].integer } == 3)
    }

    @Test func onlyDataWritesTakeTheCAPIPath() {
        for sql in ["INSERT INTO t VALUES (1)", "  update t SET a = 1", "\n\tDelete FROM t", "REPLACE INTO t VALUES (1)", "WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x"] {
            #expect(SQLiteTransaction.isDataWrite(sql), "\(sql)")
        }
        for sql in ["CREATE TABLE t (a)", "DROP TABLE t", "ALTER TABLE t ADD b", "BEGIN", "COMMIT", "SAVEPOINT s", "PRAGMA x", "INSERTX", "", "(INSERT)"] {
            #expect(!SQLiteTransaction.isDataWrite(sql), "\(sql)")
        }
    }

    @Test func closingFoldsTheWALIntoTheDatabaseAndEmptiesIt() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("c.sqlite")
        let store = try SQLiteStore(path: path)
        for number in 0..<200 {
            try await store.transaction { tx in try tx.execute("INSERT INTO health (id, checked_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at", [.integer(Int64(number))]) }
        }
        let before = (try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        #expect(before > 0)
        store.close()
        let after = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        #expect(after == 0, "the WAL still holds \(after) bytes after close")
        // The database alone holds what was committed.
        let reopened = try SQLiteStore(path: path)
        defer { reopened.close() }
        #expect(try reopened.read { try $0.row("SELECT checked_at FROM health")?["checked_at"].integer } == 199)
    }

    @Test func normalDurabilityIsConfigurable() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStore(path: dir.file("c.sqlite"), synchronous: .normal)
        defer { store.close() }
        #expect(try store.synchronousLevel() == 1)
    }

    @Test func refusesAFileThatIsNotSQLiteAndLeavesItAlone() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("notes.sqlite")
        try Data("these are my notes, not a database".utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try SQLiteStore(path: path)
            Issue.record("expected an error")
        } catch let error as StoreError {
            #expect(error.code == .notADatabase)
            #expect(error.message.contains(path))
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "these are my notes, not a database")
    }

    @Test func refusesAReadOnlyDatabase() throws {
        guard getuid() != 0 else { return try refusesReadOnlyAsRoot() }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("c.sqlite")
        try SQLiteStore(path: path).close()
        chmod(path, 0o444)
        #expect(throws: StoreError.self) { try SQLiteStore(path: path) }
    }

    /// Root can write anything, so the permission check cannot be observed; check the
    /// read-only-directory case through a path under /proc instead, which nobody can write.
    private func refusesReadOnlyAsRoot() throws {
        do {
            _ = try SQLiteStore(path: "/proc/self/cairn.sqlite")
            Issue.record("expected an error")
        } catch let error as StoreError {
            #expect([.readOnly, .cannotOpen].contains(error.code))
        }
    }

    @Test func refusesADatabaseFromANewerCairn() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("c.sqlite")
        try SQLiteStore(path: path).close()
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        sqlite.arguments = ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"INSERT INTO grdb_migrations VALUES ('v99-from-the-future')\"); c.commit()", path]
        try sqlite.run()
        sqlite.waitUntilExit()
        #expect(sqlite.terminationStatus == 0)
        do {
            _ = try SQLiteStore(path: path)
            Issue.record("expected an error")
        } catch let error as StoreError {
            #expect(error.code == .newerSchema)
            #expect(error.message.contains("v99-from-the-future"))
        }
    }

    @Test func aSecondStoreOnTheSameDatabaseIsRefusedUntilTheFirstCloses() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("c.sqlite")
        let first = try SQLiteStore(path: path)
        do {
            _ = try SQLiteStore(path: path)
            Issue.record("expected the second store to be refused")
        } catch let error as StoreError {
            #expect(error.code == .inUse)
            #expect(error.message.contains("another cairn (pid \(getpid())) is using \(path)"), "\(error.message)")
        }
        first.close()
        let second = try SQLiteStore(path: path)
        second.close()
    }

    @Test func aPingCommitsARealWrite() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStore(path: dir.file("c.sqlite"))
        #expect(try store.lastPing() == nil)
        let first = Date(timeIntervalSince1970: 1_700_000_000)
        _ = try await store.perform(.ping(at: first))
        #expect(try store.lastPing() == first)
        let second = first.addingTimeInterval(5)
        _ = try await store.perform(.ping(at: second))
        #expect(try store.lastPing() == second)
        // A ping that cannot write fails instead of answering ready.
        store.close()
        await #expect(throws: StoreError.self) { _ = try await store.perform(.ping(at: second.addingTimeInterval(5))) }
    }

    @Test func theDataDirectoryAndDatabaseFilesAreOwnerOnly() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("data/nested/c.sqlite")
        let store = try SQLiteStore(path: path)
        _ = try await store.perform(.ping(at: Date()))        // makes sure -wal and -shm exist
        #expect(mode(of: dir.file("data")) == 0o700)
        #expect(mode(of: dir.file("data/nested")) == 0o700)
        for file in [path, path + "-wal", path + "-shm", path + ".lock"] {
            #expect(mode(of: file) == 0o600, "\(file) is \(String(mode(of: file), radix: 8))")
        }
        store.close()
    }

    @Test func aDirectoryTheUserMadeKeepsItsModeButOldWorldReadableFilesAreTightened() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        chmod(dir.path, 0o755)
        let path = dir.file("c.sqlite")
        try SQLiteStore(path: path).close()
        chmod(path, 0o644)                                   // as an older Cairn left it
        let store = try SQLiteStore(path: path)
        defer { store.close() }
        #expect(mode(of: dir.path) == 0o755)
        #expect(mode(of: path) == 0o600)
    }

    private func mode(of path: String) -> mode_t {
        var info = stat()
        guard stat(path, &info) == 0 else { return 0 }
        return info.st_mode & 0o777
    }

    @Test func hotQueriesUseIndexes() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStore(path: dir.file("c.sqlite"))
        defer { store.close() }
        #expect(try store.queryPlan("SELECT instance, wake_at FROM timers ORDER BY wake_at LIMIT 10").contains("timers_by_wake"))
        #expect(try store.queryPlan("SELECT name, count FROM steps WHERE instance = 1 AND event_type = 'x' AND status = 'waiting' ORDER BY seq LIMIT 1").contains("steps_waiting"))
        #expect(try store.queryPlan("SELECT seq FROM events WHERE instance = 1 AND type = 'x' ORDER BY seq LIMIT 1").contains("events_by_instance_type"))
        #expect(try store.queryPlan("SELECT rowid FROM instances WHERE workflow = 'w' ORDER BY created_at DESC LIMIT 5").contains("instances_by_workflow_created"))
    }

    @Test func aFailingCommandDoesNotSinkOthersInTheSameCommit() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStore(path: dir.file("c.sqlite"))
        defer { store.close() }
        let now = Date()
        func record(_ row: Int64, _ id: String) -> InstanceRecord {
            InstanceRecord(rowID: row, workflow: "w", id: id, status: .queued, params: Data("{}".utf8), trigger: "api", createdAt: now, updatedAt: now)
        }
        _ = try await store.perform(.batch(StoreBatch(instance: 1, epoch: nil, ops: [.insertInstance(record(1, "a"))])))
        async let duplicate = store.perform(.batch(StoreBatch(instance: 2, epoch: nil, ops: [.insertInstance(record(2, "a"))])))
        async let fresh = store.perform(.batch(StoreBatch(instance: 3, epoch: nil, ops: [.insertInstance(record(3, "b"))])))
        var duplicateFailed = false
        do { _ = try await duplicate } catch is StoreError { duplicateFailed = true }
        _ = try await fresh
        #expect(duplicateFailed)
        #expect(try store.instance(workflow: "w", id: "b") != nil)
        #expect(try store.instance(rowID: 2) == nil)
    }
}
