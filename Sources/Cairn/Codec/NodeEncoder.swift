/// The `Encoder` ``StoredJSONEncoder`` hands a value: it records what the value encodes as
/// one ``EncodedNode``.
final class NodeEncoder: Encoder {
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    /// What was encoded so far; `nil` until a container is asked for or a value encoded.
    var node: EncodedNode?

    init(codingPath: [any CodingKey]) {
        self.codingPath = codingPath
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(NodeKeyedEncodingContainer<Key>(box: objectBox(), codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        NodeUnkeyedEncodingContainer(box: arrayBox(), codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        NodeSingleValueEncodingContainer(encoder: self)
    }

    /// The object this encoder fills: the one it already has, else a new one (a value that
    /// asks for a keyed container twice gets the same object, as in Foundation).
    private func objectBox() -> ObjectBox {
        if case .object(let box) = node { return box }
        let box = ObjectBox()
        node = .object(box)
        return box
    }

    private func arrayBox() -> ArrayBox {
        if case .array(let box) = node { return box }
        let box = ArrayBox()
        node = .array(box)
        return box
    }
}
