import Cairn
import CairnEmbeddings
import CairnEngine
import CairnStore
import Foundation

/// W9: the embeddings plugin. Indexes 20,000 chunks with the hashing provider end to end
/// through the durable steps of `embeddings.index` (20 documents at once; chunks/s), then
/// runs 1,000 queries per mode (k = 10) over 100,000 stored 384-dimension vectors. Beside it,
/// the machine's own limit: one pass summing the same 100,000 × 384 float32 values in memory.
/// Targets: exact vector top-10 p99 ≤ 3 × that pass; hybrid p99 ≤ 40 ms.
enum W9Embeddings {
    /// Indexes one document through the plugin's compound action, as a pipeline step would.
    struct IndexDocument: Workflow {
        struct Params: Codable, Sendable { var source: String; var text: String }
        let settings: JSONValue
        let store: any EmbeddingIndexStore

        func run(event: WorkflowEvent<Params>, step: WorkflowStep) async throws -> JSONValue {
            guard let compound = EmbeddingsPlugin().actions["index"]?.compound else { throw NonRetryableError("no embeddings.index") }
            let context = PluginContext(workflow: "w9", instanceID: event.instanceId, step: "index", attempt: 1, settings: settings, indexes: store)
            return try await compound(["index": "w9", "text": .string(event.payload.text), "source": .string(event.payload.source)], context, step)
        }
    }

    /// Deterministic prose from a fixed vocabulary.
    struct Words {
        var state: UInt64
        static let vocabulary: [String] = (0..<3000).map { "w" + String($0 * 7919 % 100_003, radix: 36) }
        mutating func next() -> String {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Self.vocabulary[Int((state >> 33) % UInt64(Self.vocabulary.count))]
        }
        mutating func sentence(_ words: Int) -> String {
            (0..<words).map { _ in next() }.joined(separator: " ") + ". "
        }
    }

    static func run(directory: String, quick: Bool, report: Report) async throws {
        let documents = quick ? 4 : 20
        let chunksPerDocument = quick ? 250 : 1_000
        let stored = quick ? 20_000 : 100_000
        let queries = quick ? 200 : 1_000
        let settings: JSONValue = ["indexes": [["name": "w9", "dimensions": 384, "chunk_size": 1000, "overlap": 150, "batch": 32]]]
        let harness = try EngineHarness(path: "\(directory)/w9.sqlite", migrations: EmbeddingIndexTables.migrations) { _ in }
        let store = EmbeddingIndexTables(store: harness.store)
        try harness.engine.register(IndexDocument(settings: settings, store: store), as: "w9")

        // Documents of about chunksPerDocument chunks: paragraphs of a few sentences.
        var words = Words(state: 42)
        var texts: [String] = []
        for _ in 0..<documents {
            var text = ""
            while text.count < chunksPerDocument * 880 {
                for _ in 0..<4 { text += words.sentence(14) }
                text += "\n\n"
            }
            texts.append(text)
        }
        let label = "W9 index \(documents) documents"
        let start = ContinuousClock.now
        for (index, text) in texts.enumerated() {
            let params = JSONValue.object(["source": .string("doc-\(index)"), "text": .string(text)]).jsonData()
            _ = try await harness.engine.create("w9", id: "doc-\(index)", paramsJSON: params)
        }
        var chunks = 0
        for index in 0..<documents {
            let record = try await harness.engine.waitForCompletion("w9", id: "doc-\(index)", timeout: .seconds(600))
            if let output = record.output, let value = try? JSONValue(json: output) { chunks += Int(value["chunks"]?.intValue ?? 0) }
        }
        let elapsed = seconds(since: start)
        report.add(label, "chunks", Double(chunks), "chunks")
        report.add(label, "indexed/s", Double(chunks) / elapsed, "chunks/s")
        let summaries = try store.summaries()
        report.check(label, "index holds each chunk once", summaries.first?.chunks == chunks, "\(summaries.first?.chunks ?? -1)/\(chunks)")

        // Fill to `stored` vectors with short chunks written straight to the store.
        let embedder = try HashingEmbedder(dimensions: 384)
        var filler = Words(state: 7)
        var next = chunks
        while next < stored {
            let count = min(2_000, stored - next)
            let batch = (0..<count).map { offset -> IndexedChunk in
                let text = filler.sentence(24)
                return IndexedChunk(id: "fill-\(next + offset)", source: "fill-\((next + offset) / 100)", chunkIndex: (next + offset) % 100, text: text,
                                    metadata: .object([:]), vector: embedder.embed(text))
            }
            try await store.upsert(batch, into: "w9")
            next += count
        }
        let definition = try IndexDefinition(json: settings["indexes"]?[0] ?? .null)
        let searcher = IndexSearcher()
        var queryWords = Words(state: 99)
        let questions = (0..<queries).map { _ in queryWords.sentence(6) }
        _ = try await searcher.search(questions[0], in: definition, k: 10, mode: .vector, store: store)     // loads the vectors
        let loaded = residentBytes()
        var limitSamples = Samples()
        let vectors = try store.vectors(of: "w9")
        // The fastest honest pass: eight lanes, four accumulators, the memory read once.
        for _ in 0..<20 {
            let begin = ContinuousClock.now
            var sums = (SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>())
            var tail: Float = 0
            vectors.values.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                let blocks = buffer.count / 32
                for block in 0..<blocks {
                    let at = UnsafeRawPointer(base + block * 32)
                    sums.0 += at.loadUnaligned(as: SIMD8<Float>.self)
                    sums.1 += at.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
                    sums.2 += at.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self)
                    sums.3 += at.loadUnaligned(fromByteOffset: 96, as: SIMD8<Float>.self)
                }
                for index in (blocks * 32)..<buffer.count { tail += buffer[index] }
            }
            limitSamples.add(seconds(since: begin))
            if (sums.0 + sums.1 + sums.2 + sums.3).sum() + tail == .infinity { print("") }
        }
        let pass = limitSamples.p50
        let queryLabel = "W9 query \(vectors.rowIDs.count) vectors"
        report.add(queryLabel, "sum pass (limit)", pass, "ms")
        report.add(queryLabel, "resident after load", Double(loaded) / 1_048_576, "MiB")
        for mode in IndexSearcher.Mode.allCases {
            var samples = Samples()
            for question in questions {
                let begin = ContinuousClock.now
                _ = try await searcher.search(question, in: definition, k: 10, mode: mode, store: store)
                samples.add(seconds(since: begin))
            }
            report.add(queryLabel, "\(mode.rawValue) p50", samples.p50, "ms")
            switch mode {
            case .vector:
                report.add(queryLabel, "vector p99", samples.p99, "ms")
                report.add(queryLabel, "vector p99 ÷ pass", samples.p99 / pass, "ratio", atMost: 3)
            case .hybrid: report.add(queryLabel, "hybrid p99", samples.p99, "ms", atMost: 40)
            case .keyword: report.add(queryLabel, "keyword p99", samples.p99, "ms")
            }
        }
        await harness.stop()
    }
}
