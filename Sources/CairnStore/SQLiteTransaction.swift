import Foundation
internal import GRDB

/// ``StoreTransaction`` over a GRDB connection, for the writer (inside its transaction) and
/// for readers.
struct SQLiteTransaction: StoreTransaction {
    let db: Database

    /// Binds and steps through the C API (``RawStatement``): converting the values into GRDB's
    /// `StatementArguments` cost more than SQLite's own work for a delivery's ledger row.
    @discardableResult
    func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int {
        let statement = try RawStatement(db, sql)
        try statement.bind(arguments)
        try statement.execute()
        return db.changesCount
    }

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
