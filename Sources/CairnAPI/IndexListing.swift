import Foundation

/// An embedding index in `GET /indexes`.
public struct IndexListing: Codable, Sendable, Hashable {
    public var name: String
    /// `provider/model@dimensions`.
    public var space: String
    public var dimensions: Int
    public var chunks: Int
    public var sources: Int
    /// The query mode used when a query names none.
    public var defaultMode: String
    public var updatedAt: String?
    /// The space the stored vectors are in, when it is not `space` (the config's): queries
    /// answer 409 until `cairn indexes rebuild` re-embeds them.
    public var storedSpace: String?

    public init(name: String, space: String, dimensions: Int, chunks: Int, sources: Int, defaultMode: String, updatedAt: String?, storedSpace: String? = nil) {
        self.storedSpace = storedSpace
        self.name = name
        self.space = space
        self.dimensions = dimensions
        self.chunks = chunks
        self.sources = sources
        self.defaultMode = defaultMode
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case name, space, dimensions, chunks, sources
        case defaultMode = "default_mode", updatedAt = "updated_at", storedSpace = "stored_space"
    }
}

/// `GET /indexes`.
public struct IndexList: Codable, Sendable, Hashable {
    public var indexes: [IndexListing]
    public init(indexes: [IndexListing]) { self.indexes = indexes }
}
