struct NodeKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: ObjectBox
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws { box.set(.literal("null"), for: key.stringValue) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { box.set(.literal(value ? "true" : "false"), for: key.stringValue) }
    mutating func encode(_ value: String, forKey key: Key) throws { box.set(.string(value), for: key.stringValue) }
    mutating func encode(_ value: Double, forKey key: Key) throws { box.set(try .number(value, codingPath: codingPath + [key]), for: key.stringValue) }
    mutating func encode(_ value: Float, forKey key: Key) throws { box.set(try .number(value, codingPath: codingPath + [key]), for: key.stringValue) }
    mutating func encode(_ value: Int, forKey key: Key) throws { box.set(.literal(String(value)), for: key.stringValue) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { box.set(.literal(String(value)), for: key.stringValue) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { box.set(.literal(String(value)), for: key.stringValue) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { box.set(.literal(String(value)), for: key.stringValue) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { box.set(.literal(String(value)), for: key.stringValue) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { box.set(.literal(String(value)), for: key.stringValue) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { box.set(.literal(String(value)), for: key.stringValue) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { box.set(.literal(String(value)), for: key.stringValue) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { box.set(.literal(String(value)), for: key.stringValue) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { box.set(.literal(String(value)), for: key.stringValue) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        let node = try EncodedNode.make(value, codingPath: codingPath + [key])
        box.set(node ?? .object(ObjectBox()), for: key.stringValue)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let nested: ObjectBox
        if case .object(let existing) = box.value(for: key.stringValue) {
            nested = existing
        } else {
            nested = ObjectBox()
            box.set(.object(nested), for: key.stringValue)
        }
        return KeyedEncodingContainer(NodeKeyedEncodingContainer<NestedKey>(box: nested, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested: ArrayBox
        if case .array(let existing) = box.value(for: key.stringValue) {
            nested = existing
        } else {
            nested = ArrayBox()
            box.set(.array(nested), for: key.stringValue)
        }
        return NodeUnkeyedEncodingContainer(box: nested, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        superEncoder(named: NodeCodingKey.superKey)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        superEncoder(named: key)
    }

    private func superEncoder(named key: any CodingKey) -> any Encoder {
        let box = self.box
        let name = key.stringValue
        return ReferencingEncoder(codingPath: codingPath + [key]) { box.set($0, for: name) }
    }
}

struct NodeUnkeyedEncodingContainer: UnkeyedEncodingContainer {
    let box: ArrayBox
    let codingPath: [any CodingKey]
    var count: Int { box.items.count }

    private var nextPath: [any CodingKey] { codingPath + [NodeCodingKey(intValue: box.items.count)] }

    mutating func encodeNil() throws { box.items.append(.literal("null")) }
    mutating func encode(_ value: Bool) throws { box.items.append(.literal(value ? "true" : "false")) }
    mutating func encode(_ value: String) throws { box.items.append(.string(value)) }
    mutating func encode(_ value: Double) throws { box.items.append(try .number(value, codingPath: nextPath)) }
    mutating func encode(_ value: Float) throws { box.items.append(try .number(value, codingPath: nextPath)) }
    mutating func encode(_ value: Int) throws { box.items.append(.literal(String(value))) }
    mutating func encode(_ value: Int8) throws { box.items.append(.literal(String(value))) }
    mutating func encode(_ value: Int16) throws { box.items.append(.literal(String(value))) }
    mutating func encode(_ value: Int32) throws { box.items.append(.literal(String(value))) }
    mutating func encode(_ value: Int64) throws { box.items.append(.literal(String(value))) }
    mutating func encode(_ value: UInt) throws { box.items.append(.literal(String(value))) }
    mutating func encode(_ value: UInt8) throws { box.items.append(.literal(String(value))) }
    mutating func encode(_ value: UInt16) throws { box.items.append(.literal(String(value))) }
    mutating func encode(_ value: UInt32) throws { box.items.append(.literal(String(value))) }
    mutating func encode(_ value: UInt64) throws { box.items.append(.literal(String(value))) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let node = try EncodedNode.make(value, codingPath: nextPath)
        box.items.append(node ?? .object(ObjectBox()))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let path = nextPath
        let nested = ObjectBox()
        box.items.append(.object(nested))
        return KeyedEncodingContainer(NodeKeyedEncodingContainer<NestedKey>(box: nested, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = nextPath
        let nested = ArrayBox()
        box.items.append(.array(nested))
        return NodeUnkeyedEncodingContainer(box: nested, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let box = self.box
        let position = box.items.count
        box.items.append(.object(ObjectBox()))
        return ReferencingEncoder(codingPath: nextPath) { box.items[position] = $0 }
    }
}

struct NodeSingleValueContainer: SingleValueEncodingContainer {
    let encoder: NodeEncoder
    /// Where a super encoder's value goes as soon as it is encoded.
    var stored: ((EncodedNode) -> Void)?
    var codingPath: [any CodingKey] { encoder.codingPath }

    private func set(_ node: EncodedNode) {
        encoder.node = node
        stored?(node)
    }

    mutating func encodeNil() throws { set(.literal("null")) }
    mutating func encode(_ value: Bool) throws { set(.literal(value ? "true" : "false")) }
    mutating func encode(_ value: String) throws { set(.string(value)) }
    mutating func encode(_ value: Double) throws { set(try .number(value, codingPath: codingPath)) }
    mutating func encode(_ value: Float) throws { set(try .number(value, codingPath: codingPath)) }
    mutating func encode(_ value: Int) throws { set(.literal(String(value))) }
    mutating func encode(_ value: Int8) throws { set(.literal(String(value))) }
    mutating func encode(_ value: Int16) throws { set(.literal(String(value))) }
    mutating func encode(_ value: Int32) throws { set(.literal(String(value))) }
    mutating func encode(_ value: Int64) throws { set(.literal(String(value))) }
    mutating func encode(_ value: UInt) throws { set(.literal(String(value))) }
    mutating func encode(_ value: UInt8) throws { set(.literal(String(value))) }
    mutating func encode(_ value: UInt16) throws { set(.literal(String(value))) }
    mutating func encode(_ value: UInt32) throws { set(.literal(String(value))) }
    mutating func encode(_ value: UInt64) throws { set(.literal(String(value))) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        set(try EncodedNode.make(value, codingPath: codingPath) ?? .object(ObjectBox()))
    }
}
