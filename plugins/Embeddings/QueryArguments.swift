import Cairn

/// `embeddings.query` arguments: `index`, `query`, `k` (1–100, default 5), `mode`.
struct QueryArguments: Sendable {
    var index: String
    var query: String
    var k: Int
    var mode: IndexSearcher.Mode?

    init(json arguments: JSONValue) throws(WorkflowError) {
        func refuse(_ message: String) -> WorkflowError { WorkflowError(.invalidArguments, "embeddings.query: " + message) }
        guard case .object(let members) = arguments else { throw refuse("the arguments must be a table, e.g. { index = \"docs\", query = \"…\" }.") }
        let keys: Set<String> = ["index", "query", "k", "mode"]
        if let unknown = members.keys.sorted().first(where: { !keys.contains($0) }) {
            throw refuse("unknown argument '\(unknown)'; known: \(keys.sorted().joined(separator: ", ")).")
        }
        guard let index = members["index"]?.stringValue else { throw refuse("index is missing (a string naming an [[indexes]] entry).") }
        guard let query = members["query"]?.stringValue else { throw refuse("query is missing (the text to search for).") }
        self.index = index
        self.query = query
        k = 5
        if let value = members["k"] {
            guard let number = value.intValue, (1...100).contains(number) else { throw refuse("k must be a whole number from 1 to 100.") }
            k = Int(number)
        }
        if let value = members["mode"] {
            guard let text = value.stringValue, let mode = IndexSearcher.Mode(rawValue: text) else { throw refuse("mode must be vector, keyword or hybrid.") }
            self.mode = mode
        }
    }
}
