import Foundation
internal import GRDB

/// ``StoreTransaction`` over a GRDB connection, for the writer (inside its transaction) and
/// for readers.
struct SQLiteTransaction: StoreTransaction {
    let db: Database

    /// A data write (INSERT, UPDATE, DELETE, REPLACE, WITH) binds and steps through the C API
    /// (``RawStatement``): converting the values into GRDB's `StatementArguments` cost more
    /// than SQLite's own work for a delivery's ledger row. Anything else (DDL, PRAGMA,
    /// transaction statements) goes through GRDB, which keeps its schema cache and
    /// transaction state in step with it.
    @discardableResult
    func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int {
        if Self.isDataWrite(sql) {
            let statement = try RawStatement(db, sql)
            try statement.bind(arguments)
            try statement.execute()
        } else {
            try db.execute(sql: sql, arguments: StatementArguments(arguments.map(\.databaseValue)))
        }
        return db.changesCount
    }

    /// Whether `sql` starts (after white space) with a keyword of a statement that only
    /// changes rows. Runs on every feature write: compares bytes, allocates nothing.
    static func isDataWrite(_ sql: String) -> Bool {
        let text = sql.utf8.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        let isLetter = { (byte: UInt8) in (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte & ~0x20) }
        return dataWriteKeywords.contains { keyword in
            var rest = text[...]
            for letter in keyword {
                guard let byte = rest.popFirst(), byte & ~0x20 == letter, isLetter(byte) else { return false }
            }
            return rest.first.map { !isLetter($0) } ?? true
        }
    }

    private static let dataWriteKeywords = ["INSERT", "UPDATE", "DELETE", "REPLACE", "WITH"].map { Array($0.utf8) }

    func rows(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: StatementArguments(arguments.map(\.databaseValue))).map { row in
            var values: [String: SQLValue] = [:]
            for (column, value) in row { values[column] = SQLValue(value) }
            return SQLRow(values)
        }
    }
}

extension SQLValue {
    var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .integer(let value): value.databaseValue
        case .real(let value): value.databaseValue
        case .text(let value): value.databaseValue
        case .blob(let value): value.databaseValue
        }
    }

    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let value): self = .integer(value)
        case .double(let value): self = .real(value)
        case .string(let value): self = .text(value)
        case .blob(let value): self = .blob(value)
        }
    }
}
