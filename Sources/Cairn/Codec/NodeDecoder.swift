/// The `Decoder` ``StoredJSONDecoder`` hands a type: it reads one ``ParsedJSON`` value.
struct NodeDecoder: Decoder {
    let value: ParsedJSON
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else {
            throw value.mismatch([String: Any].self, codingPath: codingPath)
        }
        return KeyedDecodingContainer(NodeKeyedDecodingContainer<Key>(members: members, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let items) = value else {
            throw value.mismatch([Any].self, codingPath: codingPath)
        }
        return NodeUnkeyedDecodingContainer(items: items, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        NodeSingleValueDecodingContainer(value: value, codingPath: codingPath)
    }
}
