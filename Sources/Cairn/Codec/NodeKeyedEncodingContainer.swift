/// What `NodeEncoder.container(keyedBy:)` hands out: writes members into an ``ObjectBox``.
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
    mutating func encode(_ value: Int128, forKey key: Key) throws { box.set(.literal(String(value)), for: key.stringValue) }
    mutating func encode(_ value: UInt128, forKey key: Key) throws { box.set(.literal(String(value)), for: key.stringValue) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        let node = try EncodedNode.make(value, codingPath: codingPath + [key])
        box.set(node ?? .object(ObjectBox()), for: key.stringValue)
    }

    /// The object under `key`: the one already there (asking twice fills one object, as in
    /// Foundation), else a new one. Foundation traps when `key` holds a non-object; this
    /// replaces it.
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
