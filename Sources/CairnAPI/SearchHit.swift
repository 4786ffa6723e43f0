import Cairn

/// One result of `GET /indexes/{name}/query`.
public struct SearchHit: Codable, Sendable, Hashable {
    public var score: Double
    public var source: String
    public var chunkIndex: Int
    public var text: String
    public var metadata: JSONValue

    public init(score: Double, source: String, chunkIndex: Int, text: String, metadata: JSONValue) {
        self.score = score
        self.source = source
        self.chunkIndex = chunkIndex
        self.text = text
        self.metadata = metadata
    }

    enum CodingKeys: String, CodingKey {
        case score, source, text, metadata
        case chunkIndex = "chunk_index"
    }
}

/// `GET /indexes/{name}/query`: the hits, best first, and the mode that ranked them.
public struct SearchResult: Codable, Sendable, Hashable {
    public var index: String
    public var mode: String
    public var hits: [SearchHit]

    public init(index: String, mode: String, hits: [SearchHit]) {
        self.index = index
        self.mode = mode
        self.hits = hits
    }
}
