import Foundation
internal import GRDBSQLite

/// Reads and writes a database file through a connection of its own, opened with SQLite's C
/// API: what a test uses to look at a database a store (or a running appliance) holds open,
/// or to alter one as an older release left it, without opening a second store.
///
/// It used to run Python's `sqlite3` in a child process. Each call then held a cooperative
/// thread for the 30-60 ms a Python start takes, which on two cores starved the tests that
/// wait on real time; a connection of its own costs well under a millisecond. SQLite shares
/// a file's locks among the connections of one process, so opening and closing this one never
/// drops a lock a store in the same process holds (this holds because the store and this
/// enum link the same libsqlite3, through GRDB's `GRDBSQLite`).
public enum ExternalSQLite {
    /// The first column of the first row of `query` (with `?` bound to `arguments`) as text;
    /// empty when there is no row or it is NULL.
    public static func value(_ path: String, _ query: String, _ arguments: [String] = []) throws -> String {
        try withConnection(path) { db in
            let statement = try prepare(db, query, path)
            defer { sqlite3_finalize(statement) }
            let expected = Int(sqlite3_bind_parameter_count(statement))
            guard arguments.count == expected else {
                throw TestFailure("\(arguments.count) values for \(expected) parameters in: \(query.prefix(200)); pass one value per '?'")
            }
            for (index, argument) in arguments.enumerated() {
                let bound = argument.withCString { text in
                    sqlite3_bind_text64(statement, Int32(index + 1), text, sqlite3_uint64(argument.utf8.count), transient, UInt8(SQLITE_UTF8))
                }
                guard bound == SQLITE_OK else { throw failure(db, query, path) }
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
        try withConnection(path, creating: true) { db in
            guard sqlite3_exec(db, script, nil, nil, nil) == SQLITE_OK else { throw failure(db, script, path) }
        }
    }

    /// Every row of every table but `excluding` (and SQLite's own), as text, rows sorted: two
    /// snapshots are equal when the tables hold the same rows, whatever their order on disk.
    public static func snapshot(_ path: String, excluding: Set<String> = []) throws -> String {
        try withConnection(path) { db in
            // One read transaction: every table as of the same moment.
            guard sqlite3_exec(db, "BEGIN", nil, nil, nil) == SQLITE_OK else { throw failure(db, "BEGIN", path) }
            defer { sqlite3_exec(db, "COMMIT", nil, nil, nil) }
            var tables: [String] = []
            let listing = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            let list = try prepare(db, listing, path)
            defer { sqlite3_finalize(list) }
            var listed = sqlite3_step(list)
            while listed == SQLITE_ROW {
                if let name = text(list, 0), !excluding.contains(name) { tables.append(name) }
                listed = sqlite3_step(list)
            }
            guard listed == SQLITE_DONE else { throw failure(db, listing, path) }
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

    /// Opens `path`, which must exist unless `creating` (a mistyped path is an error, not a
    /// new empty database).
    private static func withConnection<T>(_ path: String, creating: Bool = false, _ body: (OpaquePointer) throws -> T) throws -> T {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | (creating ? SQLITE_OPEN_CREATE : 0)
        guard sqlite3_open_v2(path, &handle, flags, nil) == SQLITE_OK, let db = handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw TestFailure("cannot open \(path) with SQLite: \(message)")
        }
        defer { sqlite3_close_v2(db) }
        // As long as Python's sqlite3 waited for a busy database.
        sqlite3_busy_timeout(db, 5_000)
        return try body(db)
    }

    /// One statement; SQL with nothing to run, or with more after the first statement, is
    /// refused (only the first would run).
    private static func prepare(_ db: OpaquePointer, _ sql: String, _ path: String) throws -> OpaquePointer {
        var statement: OpaquePointer?
        var rest = ""
        let code = sql.withCString { text in
            var tail: UnsafePointer<CChar>?
            defer { rest = tail.map { String(cString: $0) } ?? "" }
            return sqlite3_prepare_v2(db, text, -1, &statement, &tail)
        }
        guard code == SQLITE_OK else { throw failure(db, sql, path) }
        guard let statement else { throw TestFailure("no SQL statement in: '\(sql.prefix(200))'") }
        guard rest.allSatisfy({ $0.isWhitespace || $0 == ";" }) else {
            sqlite3_finalize(statement)
            throw TestFailure("more than one SQL statement in: \(sql.prefix(200)); use execute(_:_:) for a script")
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
