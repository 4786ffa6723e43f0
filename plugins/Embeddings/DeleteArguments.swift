import Cairn

/// `embeddings.delete` arguments: `index` and `source`.
struct DeleteArguments: Sendable {
    var index: String
    var source: String

    init(json arguments: JSONValue) throws(WorkflowError) {
        func refuse(_ message: String) -> WorkflowError { WorkflowError(.invalidArguments, "embeddings.delete: " + message) }
        guard case .object(let members) = arguments, let index = members["index"]?.stringValue, let source = members["source"]?.stringValue,
              members.keys.allSatisfy({ $0 == "index" || $0 == "source" }) else {
            throw refuse("takes index and source, both strings, e.g. { index = \"docs\", source = \"{{ params.path }}\" }.")
        }
        self.index = index
        self.source = source
    }
}
