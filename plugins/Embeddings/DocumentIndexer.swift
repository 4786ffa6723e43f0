import Cairn
import Foundation
import Synchronization

/// `embeddings.index`: chunks a document and embeds and stores it in batches, each batch a
/// durable step of the instance, then removes the source's chunks the new version no longer
/// has. A crash re-runs at most the batch it interrupted; chunk ids are deterministic, so the
/// finished index holds each chunk once.
struct DocumentIndexer {
    let arguments: JSONValue
    let context: PluginContext

    /// What the first step records: enough to tell the document did not change between steps.
    struct Plan: Codable, Sendable {
        var digest: String
        var chunks: Int
        /// The chunking and batch size in force when the run began: a replay after a config
        /// change keeps them, so its steps and chunks stay the same.
        var size: Int
        var overlap: Int
        var batch: Int
        /// The vector space the run embeds into (absent in plans recorded before it was kept).
        var space: String?
    }

    /// The document's chunks, made once per run of the action: kept from the first step when
    /// it ran here, else read again (on replay, only if a step still has to run).
    final class Chunks: Sendable {
        private let made = Mutex<[Chunker.Chunk]?>(nil)
        func keep(_ chunks: [Chunker.Chunk]) { made.withLock { $0 = chunks } }
        func get(orMake make: () throws -> [Chunker.Chunk]) throws -> [Chunker.Chunk] {
            if let chunks = made.withLock({ $0 }) { return chunks }
            let chunks = try make()
            keep(chunks)
            return chunks
        }
    }

    /// Whether a step's body ran in this process (a replayed step's does not).
    final class BodyRan: Sendable {
        private let flag = Mutex(false)
        func mark() { flag.withLock { $0 = true } }
        var marked: Bool { flag.withLock { $0 } }
    }

    func run(step: WorkflowStep) async throws -> JSONValue {
        let parsed = try EmbeddingsPlugin.checked { () throws(WorkflowError) in try ChunkArguments(json: arguments, action: "index") }
        let settings = try EmbeddingsPlugin.checked { () throws(WorkflowError) in try EmbeddingsSettings(json: context.settings) }
        let definition = try EmbeddingsPlugin.checked { () throws(WorkflowError) in try settings.index(parsed.index ?? "") }
        let embedder = try EmbeddingsPlugin.checked { () throws(WorkflowError) in try definition.embedder() }
        let chunker = try EmbeddingsPlugin.checked { () throws(WorkflowError) in try Chunker(size: definition.chunkSize, overlap: definition.overlap) }
        guard let store = context.indexes else { throw NonRetryableError("embeddings.index runs only inside an appliance (it needs Cairn's database).") }
        let source = parsed.source ?? parsed.path.map { URL(fileURLWithPath: $0).standardized.path } ?? ""
        guard !source.isEmpty else { throw NonRetryableError("embeddings.index: source is empty; name the document (source = \"faq/returns\").") }
        let prefix = context.step
        let config = context.stepConfig
        // This run's name for its staged chunks: the instance and step, the same on every replay.
        let run = "\(context.instanceID)/\(context.step)"
        let read: @Sendable () throws -> (text: String, chunks: [Chunker.Chunk]) = {
            let text = try EmbeddingsPlugin.checked { () throws(WorkflowError) in try parsed.text(settings: settings) }
            return (text, try EmbeddingsPlugin.checked { () throws(WorkflowError) in try chunker.chunks(of: text) })
        }
        let chunks = Chunks()
        let plan = try await step.do("\(prefix): chunk", config: config) { _ in
            // Chunks an earlier run of this instance staged (terminated, or restarted from the
            // top) must not be published with this run's.
            try await store.discard(run: run, source: source, in: definition.name)
            let (text, made) = try read()
            chunks.keep(made)
            try await store.prepareIndex(definition.name, space: definition.space, dimensions: definition.dimensions)
            return Plan(digest: Self.digest(text), chunks: made.count, size: definition.chunkSize, overlap: definition.overlap, batch: definition.batch,
                        space: definition.space)
        }
        let planned = try EmbeddingsPlugin.checked { () throws(WorkflowError) in try Chunker(size: plan.size, overlap: plan.overlap) }
        // On replay the first step's chunks are not here: read again, and the document must be the same.
        let reread: @Sendable () throws -> [Chunker.Chunk] = {
            let text = try EmbeddingsPlugin.checked { () throws(WorkflowError) in try parsed.text(settings: settings) }
            let chunks = try EmbeddingsPlugin.checked { () throws(WorkflowError) in try planned.chunks(of: text) }
            guard Self.digest(text) == plan.digest, chunks.count == plan.chunks else {
                throw NonRetryableError("\(source) changed while it was being indexed (its chunks no longer match the first step's); index it again.")
            }
            return chunks
        }
        // The [[indexes]] entry changed (and the appliance restarted) while this run was
        // under way: its batches would be vectors of two spaces in one index.
        if let planned = plan.space, planned != definition.space {
            try? await store.discard(run: run, source: source, in: definition.name)
            throw NonRetryableError("\(definition.name) changed from \(planned) to \(definition.space) while \(source) was being indexed; nothing of this run was published (vectors of two spaces are never mixed). Rebuild the index (cairn indexes rebuild \(definition.name)), then index the document again.")
        }
        let batchSize = plan.batch
        let batches = (plan.chunks + batchSize - 1) / batchSize
        let ran = BodyRan()      // set when a batch's body actually runs (not on replay)
        do {
            try await indexBatches(batches, batchSize: batchSize, step: step, prefix: prefix, config: config, chunks: chunks, reread: reread, ran: ran,
                                   embedder: embedder, definition: definition, source: source, metadata: parsed.metadata, run: run, store: store)
        } catch let error as StepError {
            // A batch failed for good: its run will never publish, so its staged chunks go
            // (the index keeps the previous version). Again on every replay, which is harmless.
            try? await store.discard(run: run, source: source, in: definition.name)
            throw error
        }
        // Publishing shows this version whole and removes the one before, in one transaction.
        let removed: Int
        do {
            removed = try await step.do("\(prefix): publish", config: config) { _ -> Int in
                // The index itself may have moved to another space (a rebuild) meanwhile.
                if let stored = try store.space(of: definition.name), stored != definition.space {
                    throw NonRetryableError("\(definition.name) holds vectors of \(stored) now, not \(definition.space); nothing of \(source) was published. Index the document again.")
                }
                return try await store.publish(source: source, in: definition.name, run: run)
            }
        } catch let error as StepError {
            try? await store.discard(run: run, source: source, in: definition.name)
            throw error
        }
        return ["index": .string(definition.name), "source": .string(source), "chunks": .int(Int64(plan.chunks)), "batches": .int(Int64(batches)),
                "removed": .int(Int64(removed))]
    }

    /// One durable step per batch: embed it and stage it under the run.
    private func indexBatches(_ batches: Int, batchSize: Int, step: WorkflowStep, prefix: String, config: StepConfig, chunks: Chunks,
                              reread: @escaping @Sendable () throws -> [Chunker.Chunk], ran: BodyRan,
                              embedder: any Embedder, definition: IndexDefinition, source: String, metadata: JSONValue, run: String,
                              store: any EmbeddingIndexStore) async throws {
        for batch in 0..<batches {
            _ = try await step.do("\(prefix): batch \(batch + 1) of \(batches)", config: config) { _ -> Int in
                let all = try chunks.get(orMake: reread)
                let slice = Array(all[(batch * batchSize)..<min(all.count, (batch + 1) * batchSize)])
                ran.mark()
                let vectors = try await embedder.embed(slice.map(\.text))
                try Self.check(vectors, count: slice.count, dimensions: definition.dimensions)
                try await store.stage(zip(slice, vectors).map { chunk, vector in
                    IndexedChunk(id: Self.id(source: source, chunk: chunk), source: source, chunkIndex: chunk.index, text: chunk.text,
                                 metadata: Self.metadata(metadata, chunk), vector: vector)
                }, into: definition.name, run: run)
                return slice.count
            }
            if Self.killAfterBatch == batch + 1, ran.marked { kill(getpid(), SIGKILL) }
        }
    }

    /// Vectors a provider gave: one per text, of the index's dimension, finite.
    static func check(_ vectors: [[Float]], count: Int, dimensions: Int) throws {
        guard vectors.count == count else { throw NonRetryableError("The embedder returned \(vectors.count) vectors for \(count) texts.") }
        for (index, vector) in vectors.enumerated() {
            guard vector.count == dimensions else { throw NonRetryableError("Vector \(index) has \(vector.count) values; the index takes \(dimensions).") }
            guard vector.allSatisfy(\.isFinite) else { throw NonRetryableError("Vector \(index) holds a value that is not finite (NaN or infinity).") }
        }
    }

    /// A test hook: with `CAIRN_TEST_KILL_AFTER_BATCH=<n>` in the environment the process sends
    /// itself SIGKILL once the n-th batch of a document is stored, so end-to-end tests can check
    /// what a restart makes of an index half written.
    static let killAfterBatch = ProcessInfo.processInfo.environment["CAIRN_TEST_KILL_AFTER_BATCH"].flatMap { Int($0) }

    /// `<source hash>:<position>:<text hash>`: the same chunk of the same source always gets it.
    static func id(source: String, chunk: Chunker.Chunk) -> String {
        "\(digest(source)):\(chunk.index):\(digest(chunk.text))"
    }

    static func metadata(_ given: JSONValue, _ chunk: Chunker.Chunk) -> JSONValue {
        guard case .object(var members) = given else { return given }
        // Where the chunk lies, unless the caller's metadata already uses those keys.
        if members["start"] == nil { members["start"] = .int(Int64(chunk.start)) }
        if members["end"] == nil { members["end"] = .int(Int64(chunk.end)) }
        return .object(members)
    }

    /// 64-bit FNV-1a of the text, hex.
    static func digest(_ text: String) -> String {
        let hash = HashingEmbedder.fnv1a(text)
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
