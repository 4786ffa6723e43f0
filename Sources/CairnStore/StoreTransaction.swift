import Foundation

/// What a feature (a trigger, a plugin) sees of the database inside one transaction: plain
/// SQL with positional `?` arguments and rows of ``SQLValue``s. No connection, queue or
/// thread is exposed, so another store (PostgreSQL, later) can offer the same interface.
///
/// Write portable SQL (`INSERT … ON CONFLICT DO NOTHING`, `CURRENT_TIMESTAMP` avoided in favour
/// of explicit times) so a feature's statements survive a change of store.
///
/// ```swift
/// try tx.execute("INSERT INTO hook_deliveries (hook, delivery, instance) VALUES (?, ?, ?)",
///                [.text(hook), .text(delivery), .text(instanceID)])
/// let seen = try tx.rows("SELECT instance FROM hook_deliveries WHERE delivery = ?", [.text(delivery)])
/// ```
public protocol StoreTransaction {
    /// Runs a statement; returns how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int
    /// Runs a query and returns every row (column name → value).
    func rows(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow]
}

extension StoreTransaction {
    @discardableResult
    public func execute(_ sql: String) throws -> Int { try execute(sql, []) }
    public func rows(_ sql: String) throws -> [SQLRow] { try rows(sql, []) }
    /// The first row of a query, if any.
    public func row(_ sql: String, _ arguments: [SQLValue] = []) throws -> SQLRow? { try rows(sql, arguments).first }
}

/// A value bound to, or read from, a statement.
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)

    public var integer: Int64? { if case .integer(let value) = self { value } else { nil } }
    public var real: Double? {
        switch self {
        case .real(let value): value
        case .integer(let value): Double(value)
        default: nil
        }
    }
    public var text: String? { if case .text(let value) = self { value } else { nil } }
    public var blob: Data? {
        switch self {
        case .blob(let value): value
        case .text(let value): Data(value.utf8)
        default: nil
        }
    }
    public var isNull: Bool { self == .null }

    /// `.text` or `.null`.
    public static func text(_ value: String?) -> SQLValue { value.map(SQLValue.text) ?? .null }
    /// `.integer` or `.null`.
    public static func integer(_ value: Int64?) -> SQLValue { value.map(SQLValue.integer) ?? .null }
    /// A time as integer milliseconds since 1970, as Cairn stores times.
    public static func time(_ date: Date?) -> SQLValue { .integer(date.map { $0.millis }) }
}

/// One result row: values by column name.
public struct SQLRow: Sendable, Hashable {
    public var values: [String: SQLValue]

    public init(_ values: [String: SQLValue]) { self.values = values }

    public subscript(_ column: String) -> SQLValue { values[column] ?? .null }

    /// A stored time (integer milliseconds since 1970), or `nil`.
    public func time(_ column: String) -> Date? { self[column].integer.map(Date.init(millis:)) }
}

/// A feature's own schema change, applied once per database, after Cairn's own migrations.
/// Identifiers are namespaced by the feature (`cron/1-ledger`); never edit one that shipped,
/// add the next number instead.
public struct StoreMigration: Sendable, Hashable {
    public var identifier: String
    public var sql: String

    /// - Parameters:
    ///   - feature: the owner, e.g. `"cron"`.
    ///   - number: 1, 2, 3 … in the order they must run.
    public init(feature: String, number: Int, _ description: String, sql: String) {
        identifier = "\(feature)/\(number)-\(description)"
        self.sql = sql
    }
}
