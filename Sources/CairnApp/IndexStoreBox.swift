import Cairn
import Synchronization

/// The appliance's ``EmbeddingIndexStore``, known once the database is open: pipelines are
/// built before that and read it when a step runs.
public final class IndexStoreBox: Sendable {
    private let value = Mutex<(any EmbeddingIndexStore)?>(nil)

    public init() {}

    public var store: (any EmbeddingIndexStore)? { value.withLock { $0 } }

    public func set(_ store: any EmbeddingIndexStore) {
        value.withLock { $0 = store }
    }
}
