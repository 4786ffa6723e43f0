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
        NodeSingleValueContainer(encoder: self)
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

/// A key for the members Foundation names itself: `super`, and array positions in paths.
struct NodeCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
    }

    init(intValue: Int) {
        self.stringValue = "Index \(intValue)"
        self.intValue = intValue
    }

    static let superKey = NodeCodingKey(stringValue: "super")
}

/// Encodes into an encoder that stores its node in a parent container when it goes away:
/// what `superEncoder()` returns, since the parent cannot know when the caller is done.
final class ReferencingEncoder: Encoder {
    private let inner: NodeEncoder
    private let store: (EncodedNode) -> Void

    init(codingPath: [any CodingKey], store: @escaping (EncodedNode) -> Void) {
        inner = NodeEncoder(codingPath: codingPath)
        self.store = store
    }

    var codingPath: [any CodingKey] { inner.codingPath }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        defer { store(inner.node ?? .object(ObjectBox())) }
        return inner.container(keyedBy: type)
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        defer { store(inner.node ?? .array(ArrayBox())) }
        return inner.unkeyedContainer()
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        NodeSingleValueContainer(encoder: inner, stored: store)
    }

    deinit {
        store(inner.node ?? .object(ObjectBox()))
    }
}
