/// What `NodeDecoder.container(keyedBy:)` hands out: reads an object's members by key.
struct NodeKeyedDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    private let members: [(key: String, value: ParsedJSON)]
    /// Where each key is, for objects too large to search (the first of a repeated key).
    private let index: [String: Int]?
    let codingPath: [any CodingKey]

    init(members: [(key: String, value: ParsedJSON)], codingPath: [any CodingKey]) {
        self.members = members
        self.codingPath = codingPath
        index = members.count > 16
            ? Dictionary(members.enumerated().map { ($0.element.key, $0.offset) }, uniquingKeysWith: { first, _ in first })
            : nil
    }

    var allKeys: [Key] {
        var seen = Set<String>()
        return members.compactMap { seen.insert($0.key).inserted ? Key(stringValue: $0.key) : nil }
    }

    func contains(_ key: Key) -> Bool { lookup(key.stringValue) != nil }

    private func lookup(_ name: String) -> ParsedJSON? {
        if let index { return index[name].map { members[$0].value } }
        return members.first { $0.key == name }?.value
    }

    private func value(_ key: Key, _ type: Any.Type) throws -> ParsedJSON {
        guard let value = lookup(key.stringValue) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "No value associated with key \(key) (\"\(key.stringValue)\")."))
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        if case .null = try value(key, Never.self) { return true }
        return false
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try value(key, type).bool(codingPath: codingPath + [key]) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try value(key, type).string(as: type, codingPath: codingPath + [key]) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try value(key, type).floatingPoint(type, codingPath: codingPath + [key]) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try value(key, type).floatingPoint(type, codingPath: codingPath + [key]) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try value(key, type).integer(type, codingPath: codingPath + [key]) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try value(key, type).integer(type, codingPath: codingPath + [key]) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try value(key, type).integer(type, codingPath: codingPath + [key]) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try value(key, type).integer(type, codingPath: codingPath + [key]) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try value(key, type).integer(type, codingPath: codingPath + [key]) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try value(key, type).integer(type, codingPath: codingPath + [key]) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try value(key, type).integer(type, codingPath: codingPath + [key]) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try value(key, type).integer(type, codingPath: codingPath + [key]) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try value(key, type).integer(type, codingPath: codingPath + [key]) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try value(key, type).integer(type, codingPath: codingPath + [key]) }
    func decode(_ type: Int128.Type, forKey key: Key) throws -> Int128 { try value(key, type).integer(type, codingPath: codingPath + [key]) }
    func decode(_ type: UInt128.Type, forKey key: Key) throws -> UInt128 { try value(key, type).integer(type, codingPath: codingPath + [key]) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try ParsedJSON.decode(type, from: value(key, type), codingPath: codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try NodeDecoder(value: value(key, [String: Any].self), codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try NodeDecoder(value: value(key, [Any].self), codingPath: codingPath + [key]).unkeyedContainer()
    }

    /// A missing `super` reads as null, as in Foundation.
    func superDecoder() throws -> any Decoder {
        NodeDecoder(value: lookup(NodeCodingKey.superKey.stringValue) ?? .null, codingPath: codingPath + [NodeCodingKey.superKey])
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        NodeDecoder(value: lookup(key.stringValue) ?? .null, codingPath: codingPath + [key])
    }
}
