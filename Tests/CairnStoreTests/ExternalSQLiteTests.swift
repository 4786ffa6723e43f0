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
}
