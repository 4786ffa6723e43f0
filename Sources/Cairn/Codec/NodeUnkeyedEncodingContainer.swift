/// What `NodeEncoder.unkeyedContainer()` hands out: appends items to an ``ArrayBox``.
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
    mutating func encode(_ value: Int128) throws { box.items.append(.literal(String(value))) }
    mutating func encode(_ value: UInt128) throws { box.items.append(.literal(String(value))) }

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
        let path = nextPath
        let position = box.items.count
        box.items.append(.object(ObjectBox()))
        return ReferencingEncoder(codingPath: path) { box.items[position] = $0 }
    }
}
