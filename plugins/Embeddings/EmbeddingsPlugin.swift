import Cairn
import Foundation

/// The embeddings plugin: `embeddings.chunk`, `embeddings.index` (chunk, embed and store in
/// batches, each batch a durable step), `embeddings.query`, `embeddings.delete` and
/// `embeddings.rebuild` (re-embed a whole index into a new model's space), over the
/// indexes the config declares with `[[indexes]]` and Cairn's database keeps.
///
/// ```toml
/// [[pipelines.steps]]
/// name = "index"
/// action = "embeddings.index"
/// with = { index = "docs", path = "{{ params.path }}", metadata = { name = "{{ params.name }}" } }
/// ```
public struct EmbeddingsPlugin: CairnPlugin {
    public let name = "embeddings"
    /// Shared by every query of this plugin, the API's included (it caches vectors).
    public let searcher: IndexSearcher

    public init(searcher: IndexSearcher = IndexSearcher()) {
        self.searcher = searcher
    }

    public func checkSettings(_ settings: JSONValue) throws {
        _ = try EmbeddingsSettings(json: settings)
    }

    public var actions: [String: PluginAction] {
        let searcher = self.searcher
        let chunk = PluginAction(validate: { arguments in
            _ = try ChunkArguments(json: arguments, action: "chunk")
        }, run: { arguments, context in
            let parsed = try Self.checked { () throws(WorkflowError) in try ChunkArguments(json: arguments, action: "chunk") }
            let settings = try Self.checked { () throws(WorkflowError) in try EmbeddingsSettings(json: context.settings) }
            let text = try Self.checked { () throws(WorkflowError) in try parsed.text(settings: settings) }
            let chunker = try Self.checked { () throws(WorkflowError) in try Chunker(size: parsed.size ?? 1000, overlap: parsed.overlap ?? 150) }
            let chunks = try Self.checked { () throws(WorkflowError) in try chunker.chunks(of: text) }
            // The chunks are the step's output, which the engine keeps under 1 MiB.
            let bytes = chunks.reduce(0) { $0 + $1.text.utf8.count + 64 }
            guard bytes < 900_000 else {
                throw NonRetryableError("embeddings.chunk: \(chunks.count) chunks (about \(bytes) bytes) are too many for a step's output (1 MiB); use embeddings.index, which stores them in the index instead.")
            }
            return ["count": .int(Int64(chunks.count)), "chunks": .array(chunks.map {
                ["index": .int(Int64($0.index)), "text": .string($0.text), "start": .int(Int64($0.start)), "end": .int(Int64($0.end))]
            })]
        })
        let index = PluginAction(validate: { arguments in
            _ = try ChunkArguments(json: arguments, action: "index")
        }, compound: { arguments, context, step in
            try await DocumentIndexer(arguments: arguments, context: context).run(step: step)
        })
        let query = PluginAction(validate: { arguments in
            _ = try QueryArguments(json: arguments)
        }, run: { arguments, context in
            let parsed = try Self.checked { () throws(WorkflowError) in try QueryArguments(json: arguments) }
            let settings = try Self.checked { () throws(WorkflowError) in try EmbeddingsSettings(json: context.settings) }
            let definition = try Self.checked { () throws(WorkflowError) in try settings.index(parsed.index) }
            guard let store = context.indexes else { throw NonRetryableError("embeddings.query runs only inside an appliance (it needs Cairn's database).") }
            let hits: [IndexSearcher.Hit]
            do {
                hits = try await searcher.search(parsed.query, in: definition, k: parsed.k, mode: parsed.mode, store: store)
            } catch let error as IndexSpaceMismatch {
                throw NonRetryableError(error.description)
            } catch let error as WorkflowError {
                throw NonRetryableError(error.message)
            }
            return ["hits": .array(hits.map(\.jsonValue))]
        })
        let delete = PluginAction(validate: { arguments in
            _ = try DeleteArguments(json: arguments)
        }, run: { arguments, context in
            let parsed = try Self.checked { () throws(WorkflowError) in try DeleteArguments(json: arguments) }
            let settings = try Self.checked { () throws(WorkflowError) in try EmbeddingsSettings(json: context.settings) }
            let definition = try Self.checked { () throws(WorkflowError) in try settings.index(parsed.index) }
            guard let store = context.indexes else { throw NonRetryableError("embeddings.delete runs only inside an appliance (it needs Cairn's database).") }
            let removed = try await store.removeChunks(of: parsed.source, in: definition.name, keeping: [])
            return ["index": .string(definition.name), "source": .string(parsed.source), "removed": .int(Int64(removed))]
        })
        let rebuild = PluginAction(validate: { arguments in
            _ = try RebuildArguments(json: arguments)
        }, compound: { arguments, context, step in
            try await IndexRebuilder(arguments: arguments, context: context).run(step: step)
        })
        return ["chunk": chunk, "index": index, "query": query, "delete": delete, "rebuild": rebuild]
    }

    /// An `index` given literally must be one the config declares.
    public func checkArguments(_ arguments: JSONValue, templated: Set<String>, action: String, settings: JSONValue) throws {
        guard action != "chunk", !templated.contains("index"), let name = arguments["index"]?.stringValue else { return }
        _ = try EmbeddingsSettings(json: settings).index(name)
    }

    /// A mistake in arguments or settings as a step failure that is not retried.
    static func checked<T>(_ body: () throws(WorkflowError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw NonRetryableError(error.message)
        }
    }
}
