import Cairn

/// Turns texts into unit vectors of one vector space.
public protocol Embedder: Sendable {
    /// `provider/model@dimensions`: indexes record it and never mix vectors of two spaces.
    var space: String { get }
    var dimensions: Int { get }
    /// One vector per text, in order.
    func embed(_ texts: [String]) async throws -> [[Float]]
}

extension HashingEmbedder: Embedder {
    public var space: String { "hashing/\(Self.version)@\(dimensions)" }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        texts.map { embed($0) }
    }
}
