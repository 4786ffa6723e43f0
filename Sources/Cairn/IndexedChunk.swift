/// One chunk of a source in an embedding index.
public struct IndexedChunk: Sendable, Equatable {
    /// Deterministic: the same source, position and text always give the same id.
    public var id: String
    /// Where the text came from: a path or a URI.
    public var source: String
    /// The chunk's position in its source, from 0.
    public var chunkIndex: Int
    public var text: String
    /// Anything the caller attached (a title, the file's name); an object.
    public var metadata: JSONValue
    /// Unit length; empty when read back without vectors.
    public var vector: [Float]

    public init(id: String, source: String, chunkIndex: Int, text: String, metadata: JSONValue = .object([:]), vector: [Float]) {
        self.id = id
        self.source = source
        self.chunkIndex = chunkIndex
        self.text = text
        self.metadata = metadata
        self.vector = vector
    }
}
