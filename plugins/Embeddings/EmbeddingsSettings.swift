import Cairn
import Foundation

/// `[plugins.embeddings]` with the config's `[[indexes]]` (which the appliance passes in as
/// `indexes`).
public struct EmbeddingsSettings: Sendable {
    public var indexes: [String: IndexDefinition]
    /// Directories documents may be read from by path; empty allows any path.
    public var allowedDirectories: [String]
    /// The largest document read, in bytes.
    public var maxDocumentBytes: Int

    static let keys: Set<String> = ["indexes", "allowed_dirs", "max_document_bytes"]

    public init(json: JSONValue) throws(WorkflowError) {
        func refuse(_ message: String) -> WorkflowError { WorkflowError(.invalidArguments, message) }
        guard case .object(let members) = json else { throw refuse("[plugins.embeddings] must be a table.") }
        if let unknown = members.keys.sorted().first(where: { !Self.keys.contains($0) }) {
            throw refuse("[plugins.embeddings] has no setting '\(unknown)'; it takes allowed_dirs and max_document_bytes (indexes are [[indexes]] entries).")
        }
        var indexes: [String: IndexDefinition] = [:]
        for item in members["indexes"]?.arrayValue ?? [] {
            let definition = try IndexDefinition(json: item)
            guard indexes[definition.name] == nil else { throw refuse("two [[indexes]] are named \"\(definition.name)\"; names are unique.") }
            indexes[definition.name] = definition
        }
        self.indexes = indexes
        if let dirs = members["allowed_dirs"] {
            guard case .array(let items) = dirs, let paths = Optional(items.compactMap(\.stringValue)), paths.count == items.count else {
                throw refuse("[plugins.embeddings] allowed_dirs must be an array of directories, e.g. [\"var/inbox\"].")
            }
            allowedDirectories = paths.map { URL(fileURLWithPath: $0).standardized.resolvingSymlinksInPath().path }
        } else {
            allowedDirectories = []
        }
        if let bytes = members["max_document_bytes"] {
            guard let number = bytes.intValue, number > 0, number <= Int64(Int32.max) else { throw refuse("[plugins.embeddings] max_document_bytes must be a whole number of bytes, at least 1.") }
            maxDocumentBytes = Int(number)
        } else {
            maxDocumentBytes = 20 * 1024 * 1024
        }
    }

    /// The index named `name`; throws listing the known ones.
    public func index(_ name: String) throws(WorkflowError) -> IndexDefinition {
        guard let definition = indexes[name] else {
            throw WorkflowError(.invalidArguments, "no index named \"\(name)\"; declare it with [[indexes]] name = \"\(name)\" (known: \(indexes.keys.sorted().joined(separator: ", ").isEmpty ? "none" : indexes.keys.sorted().joined(separator: ", "))).")
        }
        return definition
    }

    /// A document's text by path: inside `allowed_dirs` (when set), at most
    /// `max_document_bytes`, valid UTF-8.
    public func readDocument(_ path: String) throws(WorkflowError) -> String {
        let resolved = URL(fileURLWithPath: path).standardized.resolvingSymlinksInPath().path
        if !allowedDirectories.isEmpty, !allowedDirectories.contains(where: { resolved.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }) {
            throw WorkflowError(.invalidArguments, "path \(path) is outside [plugins.embeddings] allowed_dirs (\(allowedDirectories.joined(separator: ", "))).")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw WorkflowError(.invalidArguments, "path \(path) does not exist (or is a directory).")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: resolved)[.size] as? Int) ?? 0
        guard size <= maxDocumentBytes else {
            throw WorkflowError(.invalidArguments, "path \(path) is \(size) bytes; max_document_bytes is \(maxDocumentBytes). Split the document or raise the limit.")
        }
        guard let data = FileManager.default.contents(atPath: resolved) else { throw WorkflowError(.invalidArguments, "path \(path) cannot be read (check its permissions).") }
        guard !data.contains(0), let text = String(validating: data, as: UTF8.self) else {
            throw WorkflowError(.invalidArguments, "path \(path) is not UTF-8 text (a binary file dropped by mistake?); only plain text and Markdown are indexed.")
        }
        return text
    }
}
