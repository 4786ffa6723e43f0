import Cairn
import Foundation

/// `embeddings.rebuild`: re-embeds every chunk an index holds with the provider and model the
/// config now names, into the index's new vector space. The chunks' text, ids and metadata
/// stay; their vectors are made again in batches, each batch a durable step that stages its
/// chunks invisibly, and a last step swaps the whole index over in one transaction. Until
/// then keyword queries answer as before (vector and hybrid ones answer 409: the config's
/// model cannot embed a query for the old vectors); a crash re-embeds at most one batch.
///
/// It re-embeds, it does not re-chunk: a new `chunk_size` takes effect when a document is
/// indexed again.
struct IndexRebuilder {
    let arguments: JSONValue
    let context: PluginContext

    /// What the first step records: the index's version (the swap checks nothing else
    /// changed it) and the row ids each batch covers.
    struct Plan: Codable, Sendable {
        var version: Int64
        var previousSpace: String?
        var space: String
        var dimensions: Int
        var chunks: Int
        /// `[first, last]` row ids of each batch.
        var batches: [[Int64]]
    }

    func run(step: WorkflowStep) async throws -> JSONValue {
        let parsed = try EmbeddingsPlugin.checked { () throws(WorkflowError) in try RebuildArguments(json: arguments) }
        let settings = try EmbeddingsPlugin.checked { () throws(WorkflowError) in try EmbeddingsSettings(json: context.settings) }
        let definition = try EmbeddingsPlugin.checked { () throws(WorkflowError) in try settings.index(parsed.index) }
        let embedder = try EmbeddingsPlugin.checked { () throws(WorkflowError) in try definition.embedder() }
        guard let store = context.indexes else { throw NonRetryableError("embeddings.rebuild runs only inside an appliance (it needs Cairn's database).") }
        let prefix = context.step
        let config = context.stepConfig
        let run = "\(context.instanceID)/\(context.step)"
        let plan = try await step.do("\(prefix): plan", config: config) { _ in
            // Rows an earlier run of this instance staged (one terminated, or restarted from
            // the top) would be swapped in with this run's: start clean.
            try await store.discard(run: run, in: definition.name)
            let previous = try store.space(of: definition.name)
            if previous == nil { try await store.prepareIndex(definition.name, space: definition.space, dimensions: definition.dimensions) }
            let version = try store.version(of: definition.name) ?? 0
            let rows = try store.rowIDs(of: definition.name)
            let batches = stride(from: 0, to: rows.count, by: definition.batch).map { start in
                [rows[start], rows[min(rows.count, start + definition.batch) - 1]]
            }
            return Plan(version: version, previousSpace: previous, space: definition.space, dimensions: definition.dimensions, chunks: rows.count, batches: batches)
        }
        let ran = DocumentIndexer.BodyRan()      // set when a batch's body runs here (not on replay)
        do {
            guard plan.space == definition.space else {
                throw NonRetryableError("The [[indexes]] entry \(definition.name) changed to \(definition.space) while the rebuild to \(plan.space) ran; start the rebuild again.")
            }
            for (number, range) in plan.batches.enumerated() {
                _ = try await step.do("\(prefix): batch \(number + 1) of \(plan.batches.count)", config: config) { _ -> Int in
                    guard range.count == 2, range[0] <= range[1] else { throw NonRetryableError("The rebuild's plan is damaged (batch \(number + 1)).") }
                    let chunks = try store.visibleChunks(in: definition.name, rowIDs: range[0]...range[1])
                    ran.mark()
                    guard !chunks.isEmpty else { return 0 }
                    let vectors = try await embedder.embed(chunks.map(\.text))
                    try DocumentIndexer.check(vectors, count: chunks.count, dimensions: definition.dimensions)
                    try await store.stage(zip(chunks, vectors).map { chunk, vector in
                        var rebuilt = chunk
                        rebuilt.vector = vector
                        return rebuilt
                    }, into: definition.name, run: run)
                    return chunks.count
                }
                if DocumentIndexer.killAfterBatch == number + 1, ran.marked { kill(getpid(), SIGKILL) }
            }
            let shown = try await step.do("\(prefix): swap", config: config) { _ -> Int in
                try await store.swap(definition.name, run: run, space: plan.space, dimensions: plan.dimensions, ifVersion: plan.version)
            }
            return ["index": .string(definition.name), "space": .string(plan.space), "previous_space": plan.previousSpace.map(JSONValue.string) ?? .null,
                    "chunks": .int(Int64(shown)), "batches": .int(Int64(plan.batches.count))]
        } catch let error where error is StepError || error is NonRetryableError {
            // The rebuild failed for good: the index keeps its old vectors, the new ones go.
            try? await store.discard(run: run, in: definition.name)
            throw error
        }
    }
}
