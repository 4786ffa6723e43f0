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
        NodeSingleValueEncodingContainer(encoder: inner, stored: store)
    }

    deinit {
        store(inner.node ?? .object(ObjectBox()))
    }
}
