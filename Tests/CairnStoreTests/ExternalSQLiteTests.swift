import CairnStore
import CairnTesting
import Foundation
import Testing

/// The tests' own view of a database file, beside whatever store holds it.
@Suite struct ExternalSQLiteTests {
    @Test func valuesScriptsAndSnapshotsSeeWhatIsStored() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("x.sqlite")
        try ExternalSQLite.execute(path, "CREATE TABLE t (a INTEGER, b TEXT, c BLOB, d REAL); CREATE TABLE health (n INTEGER); INSERT INTO health VALUES (1);")
        let empty = try ExternalSQLite.snapshot(path, excluding: ["health"])
        #expect(empty == "t []")
        try ExternalSQLite.execute(path, "INSERT INTO t VALUES (2, 'it''s', x'00ff', 1.5), (1, NULL, NULL, NULL)")
        #expect(try ExternalSQLite.value(path, "SELECT COUNT(*) FROM t") == "2")
        #expect(try ExternalSQLite.value(path, "SELECT b FROM t WHERE a = ?", ["2"]) == "it's")
        #expect(try ExternalSQLite.value(path, "SELECT b FROM t WHERE a = 1") == "")
        #expect(try ExternalSQLite.value(path, "SELECT b FROM t WHERE a = 3") == "")
        let snapshot = try ExternalSQLite.snapshot(path, excluding: ["health"])
        #expect(snapshot == "t [(1, NULL, NULL, NULL), (2, 'it''s', x'00ff', 1.5)]")
        // An excluded table's changes do not show; any other table's do.
        try ExternalSQLite.execute(path, "UPDATE health SET n = 2")
        #expect(try ExternalSQLite.snapshot(path, excluding: ["health"]) == snapshot)
        try ExternalSQLite.execute(path, "UPDATE t SET b = '1' WHERE a = 1")
        #expect(try ExternalSQLite.snapshot(path, excluding: ["health"]) != snapshot)
        #expect(throws: TestFailure.self) { try ExternalSQLite.value(path, "SELECT nope FROM t") }
        #expect(throws: TestFailure.self) { try ExternalSQLite.execute(path, "INSERT INTO missing VALUES (1)") }
    }

    @Test func misuseIsAnErrorNotAQuietEmptyAnswer() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("m.sqlite")
        try ExternalSQLite.execute(path, "CREATE TABLE t (a TEXT); INSERT INTO t VALUES ('x')")
        #expect(throws: TestFailure.self) { try ExternalSQLite.value(path, "SELECT a FROM t WHERE a = ?") }
        #expect(throws: TestFailure.self) { try ExternalSQLite.value(path, "SELECT a FROM t", ["extra"]) }
        #expect(throws: TestFailure.self) { try ExternalSQLite.value(path, "SELECT a FROM t; DELETE FROM t") }
        #expect(throws: TestFailure.self) { try ExternalSQLite.value(path, "  ") }
        #expect(try ExternalSQLite.value(path, "SELECT COUNT(*) FROM t;") == "1")
        // A value with an embedded NUL is bound whole.
        #expect(try ExternalSQLite.value(path, "SELECT length(CAST(? AS BLOB))", ["a\u{0}b"]) == "3")
        // A mistyped path is not quietly created.
        #expect(throws: TestFailure.self) { try ExternalSQLite.value(dir.file("missing.sqlite"), "SELECT 1") }
        #expect(!FileManager.default.fileExists(atPath: dir.file("missing.sqlite")))
    }

    @Test func aStoreInTheSameProcessKeepsWorkingBesideIt() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("s.sqlite")
        let store = try SQLiteStore(path: path)
        defer { store.close() }
        try await store.transaction { tx in try tx.execute("INSERT INTO health (id, checked_at) VALUES (1, 1)", []) }
        // Opening and closing another connection to the file must not drop the store's locks
        // (POSIX locks belong to the process): the store still writes and reads after it.
        for round in 2...5 {
            #expect(try ExternalSQLite.value(path, "SELECT checked_at FROM health") == "\(round - 1)")
            try await store.transaction { tx in try tx.execute("UPDATE health SET checked_at = ?", [.integer(Int64(round))]) }
        }
        #expect(try store.read { try $0.row("SELECT checked_at FROM health")?["checked_at"].integer } == 5)
        #expect(try ExternalSQLite.value(path, "PRAGMA integrity_check") == "ok")
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
    }
}
