import Cairn

/// One `[[indexes]]` entry: a named index, the provider that embeds for it, and how its
/// documents are chunked.
///
/// ```toml
/// [[indexes]]
/// name = "docs"
/// provider = "hashing"      # built in, offline; "openai" for an OpenAI-compatible server
/// dimensions = 384
/// ```
public struct IndexDefinition: Sendable, Equatable {
    public var name: String
    public var provider: String
    public var model: String
    public var dimensions: Int
    /// Chunk size and overlap in characters.
    public var chunkSize: Int
    public var overlap: Int
    /// Chunks embedded (and written) per durable step.
    public var batch: Int

    public init(name: String, provider: String = "hashing", model: String = HashingEmbedder.version, dimensions: Int = 384,
                chunkSize: Int = 1000, overlap: Int = 150, batch: Int = 32) {
        self.name = name
        self.provider = provider
        self.model = model
        self.dimensions = dimensions
        self.chunkSize = chunkSize
        self.overlap = overlap
        self.batch = batch
    }

    /// `provider/model@dimensions`.
    public var space: String { "\(provider)/\(model)@\(dimensions)" }

    /// The embedder for this index.
    public func embedder() throws(WorkflowError) -> any Embedder {
        switch provider {
        case "hashing": return try HashingEmbedder(dimensions: dimensions)
        default:
            throw WorkflowError(.invalidArguments, "index \(name): provider \"\(provider)\" is not available in this build; use \"hashing\".")
        }
    }

    static let keys: Set<String> = ["name", "provider", "model", "dimensions", "chunk_size", "overlap", "batch"]

    /// Reads one entry (as JSON); throws naming the key.
    public init(json: JSONValue) throws(WorkflowError) {
        func refuse(_ message: String) -> WorkflowError { WorkflowError(.invalidArguments, message) }
        guard case .object(let members) = json else { throw refuse("an [[indexes]] entry must be a table.") }
        guard let name = members["name"]?.stringValue, !name.isEmpty, name.count <= 64,
              name.unicodeScalars.allSatisfy({ ($0.properties.isAlphabetic && $0.isASCII) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }) else {
            throw refuse("[[indexes]] needs name = \"docs\" (1 to 64 letters, digits, - and _).")
        }
        let at = "[[indexes]] \(name)"
        if let unknown = members.keys.sorted().first(where: { !Self.keys.contains($0) }) {
            throw refuse("\(at) has no key '\(unknown)'; it takes \(Self.keys.sorted().joined(separator: ", ")).")
        }
        func integer(_ key: String, _ fallback: Int, _ range: ClosedRange<Int>) throws(WorkflowError) -> Int {
            guard let value = members[key] else { return fallback }
            guard let number = value.intValue, range.contains(Int(number)) else { throw refuse("\(at): \(key) must be a whole number from \(range.lowerBound) to \(range.upperBound).") }
            return Int(number)
        }
        let provider = members["provider"]?.stringValue ?? "hashing"
        guard provider == "hashing" else {
            throw refuse("\(at): provider \"\(provider)\" is not available in this build; use \"hashing\" (built in, works offline).")
        }
        let model = members["model"]?.stringValue ?? HashingEmbedder.version
        guard provider != "hashing" || model == HashingEmbedder.version else {
            throw refuse("\(at): the hashing provider's model is \(HashingEmbedder.version); leave model out.")
        }
        self.init(name: name, provider: provider, model: model, dimensions: try integer("dimensions", 384, 16...4096),
                  chunkSize: try integer("chunk_size", 1000, 50...100_000), overlap: try integer("overlap", 150, 0...50_000), batch: try integer("batch", 32, 1...2048))
        _ = try Chunker(size: chunkSize, overlap: overlap)
    }
}
