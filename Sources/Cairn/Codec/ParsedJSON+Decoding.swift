import Foundation

extension ParsedJSON {
    /// Reads `T` from `value`: the types Foundation's decoder treats specially first, then
    /// `T`'s own `init(from:)`.
    static func decode<T: Decodable>(_ type: T.Type, from value: ParsedJSON, codingPath: [any CodingKey]) throws -> T {
        if T.self == Date.self {
            let text = try value.string(as: T.self, codingPath: codingPath)
            if let date = try? JSONEncoder.timestampStyle.parse(text) { return date as! T }
            if let date = try? Date.ISO8601FormatStyle().parse(text) { return date as! T }
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "'\(text)' is not an ISO 8601 date"))
        } else if T.self == Data.self {
            let text = try value.string(as: T.self, codingPath: codingPath)
            guard let data = Data(base64Encoded: text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "Encountered Data is not valid Base64."))
            }
            return data as! T
        } else if T.self == URL.self {
            let text = try value.string(as: T.self, codingPath: codingPath)
            guard let url = URL(string: text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "Invalid URL string."))
            }
            return url as! T
        } else if T.self == Decimal.self {
            let text = try value.numberText(as: T.self, codingPath: codingPath)
            guard let decimal = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
                throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "Parsed JSON number <\(text)> does not fit in Decimal."))
            }
            return decimal as! T
        } else if T.self == JSONValue.self {
            return try value.jsonValue(codingPath: codingPath) as! T
        }
        return try T(from: NodeDecoder(value: value, codingPath: codingPath))
    }

    /// What `JSONValue.init(from:)` makes of this value, without trying each type in turn
    /// (every refused try builds a `DecodingError`; an object was five of them).
    func jsonValue(codingPath: [any CodingKey]) throws -> JSONValue {
        switch self {
        case .null: return .null
        case .bool(let value): return .bool(value)
        case .string(let value): return .string(value)
        case .number:
            if let value = try? integer(Int64.self, codingPath: codingPath) { return .int(value) }
            if let value = try? floatingPoint(Double.self, codingPath: codingPath) {
                return Int64(exactly: value).map(JSONValue.int) ?? .number(value)
            }
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "Not a JSON value."))
        case .array(let items):
            var values: [JSONValue] = []
            values.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                values.append(try item.jsonValue(codingPath: codingPath + [NodeCodingKey(intValue: index)]))
            }
            return .array(values)
        case .object(let members):
            var values: [String: JSONValue] = [:]
            values.reserveCapacity(members.count)
            for member in members where values[member.key] == nil {
                values[member.key] = try member.value.jsonValue(codingPath: codingPath + [NodeCodingKey(stringValue: member.key)])
            }
            return .object(values)
        }
    }

    func string(as type: Any.Type, codingPath: [any CodingKey]) throws -> String {
        guard case .string(let text) = self else { throw mismatch(type, codingPath: codingPath) }
        return text
    }

    func numberText(as type: Any.Type, codingPath: [any CodingKey]) throws -> String {
        guard case .number(let text) = self else { throw mismatch(type, codingPath: codingPath) }
        return text
    }

    func bool(codingPath: [any CodingKey]) throws -> Bool {
        guard case .bool(let value) = self else { throw mismatch(Bool.self, codingPath: codingPath) }
        return value
    }

    /// A whole number of type `T`. Integer text is read directly; a fraction or exponent
    /// (`1.0`, `1e2`, `-8.966255865627028e+18`) goes to Foundation's decoder, whose rules
    /// for such text (decimal reading, exactness) are then the rules here too.
    func integer<T: FixedWidthInteger & Decodable>(_ type: T.Type, codingPath: [any CodingKey]) throws -> T {
        let text = try numberText(as: T.self, codingPath: codingPath)
        if let value = T(text) { return value }
        // A fraction the nearest double still shows (1.5) is no whole number whichever way
        // it is read; only the rest needs Foundation.
        if let double = Double(text), double.isFinite, double.rounded(.towardZero) != double {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "Parsed JSON number <\(text)> does not fit in \(T.self)."))
        }
        return try Self.foundation(T.self, text, codingPath: codingPath)
    }

    /// A finite number of type `T`; what Swift's parser reads as infinite or as a zero that
    /// the text is not (`1e-400`) goes to Foundation's decoder, which refuses both.
    func floatingPoint<T: BinaryFloatingPoint & LosslessStringConvertible & Decodable>(_ type: T.Type, codingPath: [any CodingKey]) throws -> T {
        let text = try numberText(as: T.self, codingPath: codingPath)
        if let value = T(text), value.isFinite, value != 0 || !Self.hasNonZeroDigit(text) { return value }
        return try Self.foundation(T.self, text, codingPath: codingPath)
    }

    private static func hasNonZeroDigit(_ text: String) -> Bool {
        for byte in text.utf8 {
            if byte | 0x20 == UInt8(ascii: "e") { return false }
            if byte >= UInt8(ascii: "1") && byte <= UInt8(ascii: "9") { return true }
        }
        return false
    }

    /// Foundation's verdict on one number, with this value's coding path in its error.
    private static func foundation<T: Decodable>(_ type: T.Type, _ text: String, codingPath: [any CodingKey]) throws -> T {
        do {
            return try JSONDecoder.cairn.decode(T.self, from: Data(text.utf8))
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "Parsed JSON number <\(text)> does not fit in \(T.self)."))
        }
    }

    func mismatch(_ type: Any.Type, codingPath: [any CodingKey]) -> DecodingError {
        if case .null = self {
            return .valueNotFound(type, .init(codingPath: codingPath, debugDescription: "Cannot get value of type \(type) -- found null value instead"))
        }
        return .typeMismatch(type, .init(codingPath: codingPath, debugDescription: "Expected to decode \(type) but found \(kind) instead."))
    }
}
