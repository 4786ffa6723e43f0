import ArgumentParser
import CairnAPI
import Foundation

/// `cairn search <index> "<text>"`: the chunks of an index that best answer a query.
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search an embedding index.",
        discussion: "Modes: keyword (FTS5 BM25; the default with the built-in hashing provider), vector (exact cosine) or hybrid (both, fused by rank)."
    )
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The index name.") var index: String
    @Argument(help: "The text to search for.") var text: String
    @Option(name: .shortAndLong, help: "How many results (1 to 100).") var k = 5
    @Option(name: .long, help: "vector, keyword or hybrid; the index's default when left out.") var mode: String?
    @Flag(name: .long, help: "Print the server's JSON.") var json = false

    func validate() throws {
        guard (1...100).contains(k) else { throw ValidationError("-k must be from 1 to 100.") }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw ValidationError("Give the text to search for.") }
        if let mode, !["vector", "keyword", "hybrid"].contains(mode) { throw ValidationError("--mode must be vector, keyword or hybrid.") }
    }

    func run() async throws {
        let answer = try await connection.client().get("indexes/\(APIClient.segment(index))/query", query: ["q": text, "k": "\(k)", "mode": mode],
                                                       as: SearchResult.self)
        if json { return Output.json(answer.raw) }
        guard !answer.body.hits.isEmpty else {
            print("Nothing in \(index) matches (mode \(answer.body.mode)).")
            return
        }
        // Indexed text may hold terminal escapes: control characters are shown, never sent.
        func shown(_ text: String) -> String {
            String(text.unicodeScalars.map { $0 == "\n" || $0 == "\t" ? " " : ($0.value < 0x20 || (0x7F...0x9F).contains($0.value)) ? "\u{FFFD}" : Character($0) })
        }
        for (rank, hit) in answer.body.hits.enumerated() {
            let excerpt = shown(hit.text).trimmingCharacters(in: .whitespaces)
            print("\(rank + 1). \(shown(hit.source)) #\(hit.chunkIndex)  score \(String(format: "%.4f", hit.score))")
            print("   " + (excerpt.count > 200 ? String(excerpt.prefix(200)) + "…" : excerpt))
        }
    }
}
