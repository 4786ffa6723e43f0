/// An index's vectors as stored: row ids and, row after row, their float32 values.
public struct IndexVectors: Sendable {
    /// The index's version when they were read (see ``EmbeddingIndexStore/version(of:)``).
    public var version: Int64
    public var dimensions: Int
    public var rowIDs: [Int64]
    /// `rowIDs.count × dimensions` values.
    public var values: [Float]

    public init(version: Int64, dimensions: Int, rowIDs: [Int64], values: [Float]) {
        self.version = version
        self.dimensions = dimensions
        self.rowIDs = rowIDs
        self.values = values
    }
}
