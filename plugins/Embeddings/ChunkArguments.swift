import Cairn

/// `embeddings.chunk` and `embeddings.index` arguments: the document (`text` or `path`), its
/// `source` name and `metadata`, the `index`, and chunking overrides.
struct ChunkArguments: Sendable {
    var index: String?
    var text: String?
    var path: String?
    var source: String?
    var metadata: JSONValue = .object([:])
    var size: Int?
    var overlap: Int?

    init(json arguments: JSONValue, action: String) throws(WorkflowError) {
        func refuse(_ message: String) -> WorkflowError { WorkflowError(.invalidArguments, "embeddings.\(action): " + message) }
        guard case .object(let members) = arguments else { throw refuse("the arguments must be a table, e.g. { path = \"{{ params.path }}\" }.") }
        let keys: Set<String> = action == "index" ? ["index", "text", "path", "source", "metadata"] : ["text", "path", "size", "overlap"]
        if let unknown = members.keys.sorted().first(where: { !keys.contains($0) }) {
            throw refuse("unknown argument '\(unknown)'; known: \(keys.sorted().joined(separator: ", ")).")
        }
        for key in ["index", "text", "path", "source"] where members[key] != nil && members[key]?.stringValue == nil {
            throw refuse("\(key) must be a string.")
        }
        index = members["index"]?.stringValue
        text = members["text"]?.stringValue
        path = members["path"]?.stringValue
        source = members["source"]?.stringValue
        if action == "index", index == nil { throw refuse("index is missing; name an [[indexes]] entry, e.g. index = \"docs\".") }
        guard (text == nil) != (path == nil) else { throw refuse("give the document as text or as path (one of them).") }
        if let value = members["metadata"] {
            guard case .object = value else { throw refuse("metadata must be a table, e.g. metadata = { title = \"…\" }.") }
            metadata = value
        }
        for key in ["size", "overlap"] where members[key] != nil {
            guard let number = members[key]?.intValue, number >= 0, number <= 100_000 else { throw refuse("\(key) must be a whole number of characters.") }
            if key == "size" { size = Int(number) } else { overlap = Int(number) }
        }
        if action == "index", text != nil, source == nil { throw refuse("a text document needs a source (its name in the index, e.g. source = \"faq/returns\").") }
    }

    /// The document's text.
    func text(settings: EmbeddingsSettings) throws(WorkflowError) -> String {
        if let text { return text }
        return try settings.readDocument(path ?? "")
    }
}
