/// Where embedding indexes live: chunks with their text, metadata and vector, and a keyword
/// (FTS5) index over the text. Cairn's store implements it in its own database, so an index
/// is backed up, migrated and made durable with everything else; the embeddings plugin reaches
/// it through ``PluginContext/indexes``.
///
/// Writes are durable when they return. A chunk's `id` is its identity in the index: writing
/// an id again replaces that chunk.
///
/// A new version of a source is written in two phases so that queries never see half of it:
/// its chunks are *staged* under a run name (invisible), then *published* in one transaction
/// that removes the source's visible chunks and shows the run's. Two runs for one source end
/// with whichever published last, whole; a run that never publishes leaves the index as it was.
public protocol EmbeddingIndexStore: Sendable {
    /// Creates the index in the vector space `space` (`provider/model@dimensions`), or checks
    /// that it already is in that space: throws ``NonRetryableError`` when the index holds
    /// vectors of another space (they are never mixed). An index with no chunks takes the new space.
    func prepareIndex(_ name: String, space: String, dimensions: Int) async throws
    /// Writes visible chunks (replacing those with the same ids) in one transaction.
    func upsert(_ chunks: [IndexedChunk], into index: String) async throws
    /// Writes chunks of a run, invisible until ``publish(source:in:run:)``.
    func stage(_ chunks: [IndexedChunk], into index: String, run: String) async throws
    /// In one transaction: deletes the source's visible chunks and makes the run's visible;
    /// returns how many were deleted.
    func publish(source: String, in index: String, run: String) async throws -> Int
    /// Deletes a run's staged chunks (a run that failed for good); published ones stay.
    func discard(run: String, source: String, in index: String) async throws
    /// The vector space the index was created in; `nil` when there is no such index.
    func space(of index: String) throws -> String?
    /// Deletes the chunks of `source` whose ids are not in `keeping` (every chunk of the
    /// source, staged ones too, when it is empty); returns how many visible ones went.
    func removeChunks(of source: String, in index: String, keeping: Set<String>) async throws -> Int
    /// A number that changes with every write to the index; `nil` when there is no such index.
    func version(of index: String) throws -> Int64?
    /// Every vector of the index, for an in-memory scan.
    func vectors(of index: String) throws -> IndexVectors
    /// The chunks best matching any of `terms` by BM25, best first, with their score
    /// (higher is better).
    func keywordSearch(_ terms: [String], in index: String, limit: Int) throws -> [(rowID: Int64, score: Double)]
    /// Chunks by row id, without their vectors.
    func chunks(_ rowIDs: [Int64]) throws -> [Int64: IndexedChunk]
    /// Every index with its counts.
    func summaries() throws -> [IndexSummary]

    // A rebuild re-embeds an index's stored chunks into a new space: it stages them all under
    // one run, then swaps them in whole.

    /// The row ids of the index's visible chunks, in order.
    func rowIDs(of index: String) throws -> [Int64]
    /// The visible chunks whose row ids lie in `rowIDs`, in row order, without their vectors.
    func visibleChunks(in index: String, rowIDs: ClosedRange<Int64>) throws -> [IndexedChunk]
    /// In one transaction, unless it was done already: checks the index is still at `version`
    /// (throws ``NonRetryableError`` when it moved), replaces every visible chunk with the
    /// run's staged ones and records `space`; returns how many chunks the index now shows.
    func swap(_ index: String, run: String, space: String, dimensions: Int, ifVersion version: Int64) async throws -> Int
    /// Deletes every staged chunk of a run, whatever its source.
    func discard(run: String, in index: String) async throws
    /// Deletes staged chunks whose run belongs to no instance still running (a run ended by
    /// `terminate` or a crash never publishes); returns how many went.
    func sweepAbandonedRuns() async throws -> Int
}
