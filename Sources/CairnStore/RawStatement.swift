import Foundation
internal import GRDB
internal import GRDBSQLite

/// Runs one of GRDB's cached statements through the SQLite C API. The per-step writes and
/// features' data writes (``SQLiteTransaction/execute(_:_:)``) go through here: GRDB's
/// argument arrays and execution bookkeeping cost more than SQLite's own work for these small
/// statements. GRDB still owns (and finalizes) the statements. What is bypassed is GRDB's
/// per-statement bookkeeping (transaction observers, none of which the writer registers; its
/// schema cache and transaction state, which only DDL and transaction statements change, and
/// those never come here). Text and blobs are copied when bound.
struct RawStatement {
    let handle: OpaquePointer
    private let db: Database

    init(_ db: Database, _ sql: String) throws {
        self.db = db
        handle = try db.cachedStatement(sql: sql).sqliteStatement
        sqlite3_reset(handle)
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    func bind(_ index: Int32, _ value: Int64?) throws {
        if let value {
            try check(sqlite3_bind_int64(handle, index, value), binding: index)
        } else {
            try check(sqlite3_bind_null(handle, index), binding: index)
        }
    }

    func bind(_ index: Int32, _ value: Double) throws {
        try check(sqlite3_bind_double(handle, index, value), binding: index)
    }

    func bind(_ index: Int32, _ value: Int?) throws {
        try bind(index, value.map(Int64.init))
    }

    /// Binds text with its byte length, so text with an embedded NUL is stored whole.
    func bind(_ index: Int32, _ value: String?) throws {
        guard let value else {
            try check(sqlite3_bind_null(handle, index), binding: index)
            return
        }
        // withCString hands over the whole UTF-8 buffer, embedded NULs included; the explicit
        // length makes SQLite take all of it.
        let length = sqlite3_uint64(value.utf8.count)
        let code = value.withCString { text in
            sqlite3_bind_text64(handle, index, text, length, Self.transient, UInt8(SQLITE_UTF8))
        }
        try check(code, binding: index)
    }

    func bind(_ index: Int32, _ value: Data?) throws {
        guard let value else {
            try check(sqlite3_bind_null(handle, index), binding: index)
            return
        }
        let code = value.withUnsafeBytes { bytes in
            // A zero-length blob still needs a non-null pointer to be a blob rather than NULL.
            sqlite3_bind_blob64(handle, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), sqlite3_uint64(bytes.count), Self.transient)
        }
        try check(code, binding: index)
    }

    /// Binds `values` to parameters 1…n; their number must be the statement's.
    func bind(_ values: [SQLValue]) throws {
        let expected = sqlite3_bind_parameter_count(handle)
        guard values.count == Int(expected) else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "wrong number of statement arguments: \(values.count), expected \(expected); pass one value per '?' in the SQL", sql: String(cString: sqlite3_sql(handle)))
        }
        do {
            for (offset, value) in values.enumerated() {
                let index = Int32(offset + 1)
                switch value {
                case .null: try check(sqlite3_bind_null(handle, index), binding: index)
                case .integer(let integer): try bind(index, integer)
                case .real(let real): try bind(index, real)
                case .text(let text): try bind(index, text)
                case .blob(let blob): try bind(index, blob)
                }
            }
        } catch {
            // The statement stays cached: it must not keep the values bound before the failure.
            sqlite3_clear_bindings(handle)
            throw error
        }
    }

    private func check(_ code: Int32, binding index: Int32) throws {
        guard code != SQLITE_OK else { return }
        let message = String(cString: sqlite3_errstr(code))
        throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "cannot bind parameter \(index): \(message)", sql: String(cString: sqlite3_sql(handle)))
    }

    /// Steps the statement to completion (or its first row, returned as column 0).
    @discardableResult
    func run() throws -> Int64? {
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_DONE:
            return nil
        case SQLITE_ROW:
            return sqlite3_column_type(handle, 0) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, 0)
        default:
            let message = String(cString: sqlite3_errmsg(db.sqliteConnection))
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: String(cString: sqlite3_sql(handle)))
        }
    }

    /// Steps the statement until it is done, discarding any rows (a write's `RETURNING`).
    func execute() throws {
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        var code = sqlite3_step(handle)
        while code == SQLITE_ROW { code = sqlite3_step(handle) }
        guard code == SQLITE_DONE else {
            let message = String(cString: sqlite3_errmsg(db.sqliteConnection))
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: String(cString: sqlite3_sql(handle)))
        }
    }
}
