import Foundation
import GRDBSQLite

/// Reads and writes a database file through a connection of its own, opened with SQLite's C
/// API: what a test uses to look at a database a store (or a running appliance) holds open,
/// or to alter one as an older release left it, without opening a second store.
///
/// It used to run Python's `sqlite3` in a child process. Each call then held a cooperative
/// thread for the 30-60 ms a Python start takes, which on two cores starved the tests that
/// wait on real time; a connection of its own costs well under a millisecond. SQLite shares
/// a file's locks among the connections of one process, so opening and closing this one never
/// drops a lock a store in the same process holds.
public enum ExternalSQLite {
    /// The first column of the first row of `query` (with `?` bound to `arguments`) as text;
    /// empty when there is no row or it is NULL.
    public static func value(_ path: String, _ query: String, _ arguments: [String] = []) throws -> String {
        try withConnection(path) { db in
            let statement = try prepare(db, query, path)
            defer { sqlite3_finalize(statement) }
            for (index, argument) in arguments.enumerated() {
                sqlite3_bind_text(statement, Int32(index + 1), argument, -1, transient)
            }
            switch sqlite3_step(statement) {
            case SQLITE_ROW: return text(statement, 0) ?? ""
            case SQLITE_DONE: return ""
            default: throw failure(db, query, path)
            }
        }
    }

    /// Runs `script` (several statements, each committed as it runs unless the script opens
    /// a transaction itself), as Python's `executescript` did.
    public static func execute(_ path: String, _ script: String) throws {
        try withConnection(path) { db in
            guard sqlite3_exec(db, script, nil, nil, nil) == SQLITE_OK else { throw failure(db, script, path) }
        }
    }

    /// Every row of every table but `excluding` (and SQLite's own), as text, rows sorted: two
    /// snapshots are equal when the tables hold the same rows, whatever their order on disk.
    public static func snapshot(_ path: String, excluding: Set<String> = []) throws -> String {
        try withConnection(path) { db in
            var tables: [String] = []
            let list = try prepare(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name", path)
            defer { sqlite3_finalize(list) }
            while sqlite3_step(list) == SQLITE_ROW {
                if let name = text(list, 0), !excluding.contains(name) { tables.append(name) }
            }
            var lines: [String] = []
            for table in tables {
                let query = "SELECT * FROM \"\(table.replacingOccurrences(of: "\"", with: "\"\""))\""
                let statement = try prepare(db, query, path)
                defer { sqlite3_finalize(statement) }
                var rows: [String] = []
                var code = sqlite3_step(statement)
                while code == SQLITE_ROW {
                    rows.append((0..<sqlite3_column_count(statement)).map { describe(statement, $0) }.joined(separator: ", "))
                    code = sqlite3_step(statement)
                }
                guard code == SQLITE_DONE else { throw failure(db, query, path) }
                lines.append("\(table) [\(rows.sorted().map { "(\($0))" }.joined(separator: ", "))]")
            }
            return lines.joined(separator: "\n")
        }
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private static func withConnection<T>(_ path: String, _ body: (OpaquePointer) throws -> T) throws -> T {
        var handle: OpaquePointer?
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK, let db = handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw TestFailure("cannot open \(path) with SQLite: \(message)")
        }
        defer { sqlite3_close_v2(db) }
        // As long as Python's sqlite3 waited for a busy database.
        sqlite3_busy_timeout(db, 5_000)
        return try body(db)
    }

    private static func prepare(_ db: OpaquePointer, _ sql: String, _ path: String) throws -> OpaquePointer {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw failure(db, sql, path)
        }
        return statement
    }

    private static func text(_ statement: OpaquePointer, _ column: Int32) -> String? {
        guard sqlite3_column_type(statement, column) != SQLITE_NULL, let bytes = sqlite3_column_text(statement, column) else { return nil }
        return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(statement, column))), as: UTF8.self)
    }

    /// A value with its type, so `1`, `'1'` and `x'31'` differ in a snapshot.
    private static func describe(_ statement: OpaquePointer, _ column: Int32) -> String {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_NULL: return "NULL"
        case SQLITE_INTEGER: return String(sqlite3_column_int64(statement, column))
        case SQLITE_FLOAT: return String(sqlite3_column_double(statement, column))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, column))
            guard count > 0, let bytes = sqlite3_column_blob(statement, column) else { return "x''" }
            return "x'" + UnsafeRawBufferPointer(start: bytes, count: count).map { String(format: "%02x", $0) }.joined() + "'"
        default:
            return "'" + (text(statement, column) ?? "").replacingOccurrences(of: "'", with: "''") + "'"
        }
    }

    private static func failure(_ db: OpaquePointer, _ sql: String, _ path: String) -> TestFailure {
        TestFailure("SQLite on \(path) failed: \(String(cString: sqlite3_errmsg(db))) (in: \(sql.prefix(200)))")
    }
}
