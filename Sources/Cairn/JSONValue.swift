import Foundation

/// Any JSON value, for pipelines, plugins and workflows with untyped params
/// (`typealias Params = JSONValue`).
///
/// Whole numbers that fit in 64 bits are kept exactly as ``int(_:)``; every other number is
/// a ``number(_:)``. `.int(1)` and `.number(1)` are different values; ``doubleValue`` reads
/// both.
///
/// ```swift
/// let value: JSONValue = ["name": "cairn", "tags": ["a", "b"], "count": 3]
/// value["tags"]?[1]?.stringValue   // "b"
/// value["count"]?.intValue         // 3
/// ```
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A whole number, kept exactly.
    case int(Int64)
    /// A number with a fraction or exponent, or one too large for `Int64`.
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue {
    /// The member `key` of an object (`nil` for other values and missing keys).
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    /// The element at `index` of an array (`nil` for other values and out-of-range indexes).
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }

    public var isNull: Bool { self == .null }

    public var boolValue: Bool? {
        guard case .bool(let value) = self else { return nil }
        return value
    }

    /// The value as a whole number: an `int`, or a `number` with no fraction that fits.
    public var intValue: Int64? {
        switch self {
        case .int(let value): value
        case .number(let value): Int64(exactly: value)
        default: nil
        }
    }

    /// The value of an `int` or a `number` as a `Double` (large ints may round).
    public var doubleValue: Double? {
        switch self {
        case .int(let value): Double(value)
        case .number(let value): value
        default: nil
        }
    }

    public var stringValue: String? {
        guard case .string(let value) = self else { return nil }
        return value
    }

    public var arrayValue: [JSONValue]? {
        guard case .array(let value) = self else { return nil }
        return value
    }

    public var objectValue: [String: JSONValue]? {
        guard case .object(let value) = self else { return nil }
        return value
    }
}

// MARK: Codable

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            // A fraction too small for a double to keep ("66666666666666666.67") leaves a whole
            // number, which the writer prints without a fraction and a second read takes as an
            // integer: taking it as one now makes every read of the same text the same value.
            self = Int64(exactly: value).map(JSONValue.int) ?? .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "Not a JSON value.")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Parses JSON text (any value, not only objects and arrays).
    public init(json data: Data) throws {
        self = try StoredJSONDecoder.decode(JSONValue.self, from: data)
    }

    /// Converts any `Encodable` value (e.g. a workflow's `Output`) as Cairn stores it.
    public init(encoding value: some Encodable) throws {
        self = try JSONValue(json: StoredJSONEncoder.encode(value))
    }

    /// Compact JSON text with sorted keys.
    public func jsonData() -> Data {
        // Encoding a JSONValue cannot fail: every case maps to JSON, and non-finite doubles
        // are written as null below rather than refused.
        (try? StoredJSONEncoder.encode(self.finite)) ?? Data("null".utf8)
    }

    /// Decodes a `Decodable` value from this JSON value.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try StoredJSONDecoder.decode(type, from: jsonData())
    }

    /// JSON has no NaN or infinity: those become null.
    private var finite: JSONValue {
        switch self {
        case .number(let value) where !value.isFinite: .null
        case .array(let values): .array(values.map(\.finite))
        case .object(let members): .object(members.mapValues(\.finite))
        default: self
        }
    }
}

extension JSONValue: CustomStringConvertible {
    /// Compact JSON text.
    public var description: String { String(decoding: jsonData(), as: UTF8.self) }
}

// MARK: Literals

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
