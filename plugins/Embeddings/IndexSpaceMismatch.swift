/// An index whose stored vectors are of another space than its `[[indexes]]` entry now says
/// (the provider, model or dimensions changed): it cannot be queried with the new embedder.
public struct IndexSpaceMismatch: Error, CustomStringConvertible, Sendable {
    public var index: String
    public var stored: String
    public var configured: String

    public var description: String {
        "Index \(index) holds vectors of \(stored), but its [[indexes]] entry now says \(configured). Put the entry back, or index the documents into a new index for the new model (vectors of two spaces are never mixed)."
    }
}
