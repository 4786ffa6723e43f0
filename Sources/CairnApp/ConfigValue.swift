import Cairn

/// An option value from the config file: a scalar, an array or a table (nested freely).
public enum ConfigValue: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case array([ConfigValue])
    case table([String: ConfigValue])

    /// TOML-like text: strings quoted, tables inline with sorted keys.
    public var description: String {
        switch self {
        case .string(let value): "\"\(value)\""
        case .int(let value): "\(value)"
        case .double(let value): "\(value)"
        case .bool(let value): "\(value)"
        case .array(let values): "[" + values.map(\.description).joined(separator: ", ") + "]"
        case .table(let members): "{ " + members.keys.sorted().map { "\($0) = \(members[$0]?.description ?? "")" }.joined(separator: ", ") + " }"
        }
    }

    /// The value as JSON (integers stay exact).
    public var json: JSONValue {
        switch self {
        case .string(let value): .string(value)
        case .int(let value): .int(Int64(value))
        case .double(let value): .number(value)
        case .bool(let value): .bool(value)
        case .array(let values): .array(values.map(\.json))
        case .table(let members): .object(members.mapValues(\.json))
        }
    }

    /// "a string", "a table"…, for messages.
    var kind: String {
        switch self {
        case .string: "a string"
        case .int: "an integer"
        case .double: "a number"
        case .bool: "a boolean"
        case .array: "an array"
        case .table: "a table"
        }
    }
}
