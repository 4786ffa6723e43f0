import Foundation

/// Decodes what ``StoredJSONEncoder`` (or Foundation's ``Foundation/JSONEncoder/cairn``)
/// wrote, as ``Foundation/JSONDecoder/cairn`` does, without its cost. Every run of a step
/// reads its result through this decoder, so the first run and every replay see the same
/// value.
package enum StoredJSONDecoder {
    package static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        let parsed = data.withUnsafeBytes { raw in
            Result { () throws(JSONSyntaxError) in try JSONParser.parse(raw.bindMemory(to: UInt8.self)) }
        }
        switch parsed {
        case .success(let value):
            return try ParsedJSON.decode(T.self, from: value, codingPath: [])
        case .failure(let error):
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "The given data was not valid JSON: \(error.message)."))
        }
    }
}

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
        }
        return try T(from: NodeDecoder(value: value, codingPath: codingPath))
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

    /// A whole number of type `T`: integer text directly; a fraction or exponent only when
    /// the text names a whole number exactly (`1.0`, `1e2`, `-8.966255865627028e+18` is
    /// -8966255865627028000, not the nearest `Double`), as in Foundation.
    func integer<T: FixedWidthInteger>(_ type: T.Type, codingPath: [any CodingKey]) throws -> T {
        let text = try numberText(as: T.self, codingPath: codingPath)
        if let value = T(text) ?? Self.exactInteger(text, as: T.self) { return value }
        throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "Parsed JSON number <\(text)> does not fit in \(T.self)."))
    }

    /// `text` (a valid JSON number) as a `T` when it denotes a whole number that fits.
    static func exactInteger<T: FixedWidthInteger>(_ text: String, as type: T.Type) -> T? {
        var negative = false
        var digits: [UInt8] = []
        var fractionDigits = 0
        var exponent = 0
        var exponentNegative = false
        var part = 0    // 0: whole digits, 1: fraction, 2: exponent
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "-") where part == 0: negative = true
            case UInt8(ascii: "-"): exponentNegative = true
            case UInt8(ascii: "+"): break
            case UInt8(ascii: "."): part = 1
            case UInt8(ascii: "e"), UInt8(ascii: "E"): part = 2
            default:
                let digit = Int(byte &- UInt8(ascii: "0"))
                if part == 2 {
                    exponent = min(exponent * 10 + digit, 100_000)
                } else {
                    digits.append(UInt8(digit))
                    if part == 1 { fractionDigits += 1 }
                }
            }
        }
        var scale = (exponentNegative ? -exponent : exponent) - fractionDigits
        while let last = digits.last, last == 0, digits.count > 1 {
            digits.removeLast()
            scale += 1
        }
        while let first = digits.first, first == 0, digits.count > 1 { digits.removeFirst() }
        if digits == [0] { return 0 }
        guard scale >= 0, scale <= 40, !(negative && !T.isSigned) else { return nil }
        var value: T = 0
        for digit in digits + Array(repeating: 0, count: scale) {
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowAgain) = negative ? shifted.subtractingReportingOverflow(T(digit)) : shifted.addingReportingOverflow(T(digit))
            guard !overflow, !overflowAgain else { return nil }
            value = next
        }
        return value
    }

    func floatingPoint<T: BinaryFloatingPoint & LosslessStringConvertible>(_ type: T.Type, codingPath: [any CodingKey]) throws -> T {
        let text = try numberText(as: T.self, codingPath: codingPath)
        guard let value = T(text), value.isFinite else {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "Parsed JSON number <\(text)> does not fit in \(T.self)."))
        }
        return value
    }

    func mismatch(_ type: Any.Type, codingPath: [any CodingKey]) -> DecodingError {
        if case .null = self {
            return .valueNotFound(type, .init(codingPath: codingPath, debugDescription: "Cannot get value of type \(type) -- found null value instead"))
        }
        return .typeMismatch(type, .init(codingPath: codingPath, debugDescription: "Expected to decode \(type) but found \(kind) instead."))
    }
}
