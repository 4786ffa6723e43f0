import Cairn

/// `embeddings.rebuild` arguments: the `index` to re-embed.
struct RebuildArguments: Sendable {
    var index: String

    init(json arguments: JSONValue) throws(WorkflowError) {
        guard case .object(let members) = arguments, let index = members["index"]?.stringValue, members.count == 1 else {
            throw WorkflowError(.invalidArguments, "embeddings.rebuild: takes only index, a string, e.g. { index = \"docs\" }.")
        }
        self.index = index
    }
}
