import Foundation

extension EncodedNode {
    /// `value` as a node: the types Foundation's encoder treats specially first, then the
    /// value's own `encode(to:)`. `nil` when a top-level value encoded nothing; a nested one
    /// that encodes nothing is an empty object, as in Foundation.
    static func make<T: Encodable>(_ value: T, codingPath: [any CodingKey], topLevel: Bool = false) throws -> EncodedNode? {
        if T.self == Date.self {
            return .string((value as! Date).formatted(JSONEncoder.timestampStyle))
        } else if T.self == Data.self {
            return .string((value as! Data).base64EncodedString())
        } else if T.self == URL.self {
            return .string((value as! URL).absoluteString)
        } else if T.self == Decimal.self {
            return .literal((value as! Decimal).description)
        }
        let encoder = NodeEncoder(codingPath: codingPath)
        try value.encode(to: encoder)
        if let node = encoder.node { return node }
        return topLevel ? nil : .object(ObjectBox())
    }

    static func number<F: BinaryFloatingPoint & LosslessStringConvertible>(_ value: F, codingPath: [any CodingKey]) throws -> EncodedNode {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: codingPath, debugDescription: "Unable to encode \(F.self).\(value) directly in JSON."))
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return .literal(text)
    }
}
