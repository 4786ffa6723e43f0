/// What `NodeEncoder.singleValueContainer()` hands out: sets the encoder's node.
struct NodeSingleValueEncodingContainer: SingleValueEncodingContainer {
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
    mutating func encode(_ value: Int128) throws { set(.literal(String(value))) }
    mutating func encode(_ value: UInt128) throws { set(.literal(String(value))) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        set(try EncodedNode.make(value, codingPath: codingPath) ?? .object(ObjectBox()))
    }
}
