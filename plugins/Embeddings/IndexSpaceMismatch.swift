/// An index whose stored vectors are of another space than its `[[indexes]]` entry now says
/// (the provider, model or dimensions changed): it cannot be queried with the new embedder.
public struct IndexSpaceMismatch: Error, CustomStringConvertible, Sendable {
    public var index: String
    public var stored: String
    public var configured: String

    public var description: String {
        "Index \(index) holds vectors of \(stored), but its [[indexes]] entry now says \(configured). Re-embed the stored chunks into the new space with `cairn indexes rebuild \(index)`, or put the entry back (vectors of two spaces are never mixed)."
    }
}
