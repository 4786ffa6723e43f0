import Foundation

/// An embedding index as `GET /indexes` lists it.
public struct IndexSummary: Sendable, Equatable, Codable {
    public var name: String
    /// `provider/model@dimensions`: the only vectors the index takes.
    public var space: String
    public var dimensions: Int
    public var chunks: Int
    public var sources: Int
    /// When it last changed.
    public var updatedAt: Date?

    public init(name: String, space: String, dimensions: Int, chunks: Int, sources: Int, updatedAt: Date?) {
        self.name = name
        self.space = space
        self.dimensions = dimensions
        self.chunks = chunks
        self.sources = sources
        self.updatedAt = updatedAt
    }
}
