import Cairn
import Foundation

/// A `[[workflows]]` entry's `options`, read by its type's factory. Every accessor marks its
/// key as used; ``finish()`` (called for you) reports options nobody read. Errors name the
/// workflow, the option and its line.
///
/// ```swift
/// catalog.add("ip-report", summary: "Counts IP ranges") { options in
///     let source = try options.url("source", default: URL(string: "https://example.net/ips")!)
///     let retries = try options.int("retries", default: 3, range: 0...10)
///     let token = try options.secret("token")
///     return AnyWorkflow(IPReport(source: source, retries: retries, token: token?.value))
/// }
/// ```
public struct WorkflowOptions: Sendable {
    var values: [String: ConfigValue]
    let workflow: String
    let file: String?
    let line: Int?
    let lines: [String: Int]
    private var used: Set<String> = []
    /// The options read with ``secret(_:)``: `config check` redacts them.
    public private(set) var secretKeys: Set<String> = []

    public init(values: [String: ConfigValue], workflow: String, file: String? = nil, line: Int? = nil, lines: [String: Int] = [:]) {
        self.values = values
        self.workflow = workflow
        self.file = file
        self.line = line
        self.lines = lines
    }

    /// A config error about this workflow's options; `key` adds the option's own line.
    /// An error at the option's own line when it is known, else at the entry's.
    public func error(_ message: String, key: String? = nil) -> ConfigError {
        ConfigError("Workflow \"\(workflow)\": \(message)", file: file, line: key.flatMap(line(of:)) ?? line)
    }

    /// The error for a required option that is missing, with an example to add.
    public func missing(_ key: String, example: String) -> ConfigError {
        error("option '\(key)' is required. Add it under [workflows.options], e.g. \(key) = \(example).")
    }

    /// The line of an option path, or of the nearest enclosing one.
    func line(of path: String) -> Int? {
        var current = path
        while !current.isEmpty {
            if let line = lines[current] { return line }
            if current.hasSuffix("]"), let bracket = current.lastIndex(of: "[") {
                current = String(current[..<bracket])
            } else if let dot = current.lastIndex(of: ".") {
                current = String(current[..<dot])
            } else {
                return nil
            }
        }
        return nil
    }

    /// The raw value (marks the option as used).
    public mutating func value(_ key: String) -> ConfigValue? {
        used.insert(key)
        return values[key]
    }

    private func mismatch(_ key: String, _ value: ConfigValue, expected: String) -> ConfigError {
        error("option '\(key)' must be \(expected), not \(value.kind) (\(value)).", key: key)
    }

    // MARK: Scalars

    public mutating func string(_ key: String) throws -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let text) = value else { throw error("option '\(key)' must be a string, not \(value).", key: key) }
        return text
    }

    public mutating func string(_ key: String, default fallback: String) throws -> String {
        try string(key) ?? fallback
    }

    /// A whole number within `range` (a number like `3.0` counts; `3.5` does not).
    public mutating func int(_ key: String, range: ClosedRange<Int> = Int.min...Int.max) throws -> Int? {
        guard let value = value(key) else { return nil }
        let number: Int
        switch value {
        case .int(let whole): number = whole
        case .double(let double):
            guard let whole = Int(exactly: double) else { throw mismatch(key, value, expected: "a whole number") }
            number = whole
        default: throw mismatch(key, value, expected: "an integer")
        }
        guard range.contains(number) else {
            throw error("option '\(key)' is \(number); it must be from \(range.lowerBound) to \(range.upperBound).", key: key)
        }
        return number
    }

    public mutating func int(_ key: String, default fallback: Int, range: ClosedRange<Int> = Int.min...Int.max) throws -> Int {
        try int(key, range: range) ?? fallback
    }

    public mutating func bool(_ key: String) throws -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let flag) = value else { throw mismatch(key, value, expected: "true or false") }
        return flag
    }

    public mutating func bool(_ key: String, default fallback: Bool) throws -> Bool {
        try bool(key) ?? fallback
    }

    /// An absolute URL with a scheme (`https://…`, `file:///…`).
    public mutating func url(_ key: String) throws -> URL? {
        guard let text = try string(key) else { return nil }
        guard let url = URL(string: text), let scheme = url.scheme, !scheme.isEmpty, url.host != nil || scheme == "file" else {
            throw error("option '\(key)' = \"\(text)\" is not an absolute URL; write e.g. \"https://example.net/data.json\".", key: key)
        }
        return url
    }

    public mutating func url(_ key: String, default fallback: URL) throws -> URL {
        try url(key) ?? fallback
    }

    /// A duration such as "20 seconds" or "7 days", checked now against the limit the engine
    /// enforces when the workflow runs (365 days for sleeps and event timeouts), so a config
    /// that would fail every instance is refused at start-up and by `cairn config check`.
    public mutating func duration(_ key: String, atMost maximum: WorkflowDuration = .days(365)) throws -> WorkflowDuration? {
        guard let text = try string(key) else { return nil }
        let milliseconds: Int64
        do {
            milliseconds = try WorkflowDuration(parsing: text).milliseconds()
        } catch {
            throw self.error("option '\(key)' = \"\(text)\" is not a duration; write e.g. \"20 seconds\".", key: key)
        }
        if let limit = try? maximum.milliseconds(), milliseconds > limit {
            throw self.error("option '\(key)' = \"\(text)\" is longer than \(maximum), the longest the engine accepts. Use a shorter duration.", key: key)
        }
        return WorkflowDuration(stringLiteral: text)
    }

    public mutating func duration(_ key: String, default fallback: String, atMost maximum: WorkflowDuration = .days(365)) throws -> WorkflowDuration {
        if let given = try duration(key, atMost: maximum) { return given }
        return WorkflowDuration(stringLiteral: fallback)
    }

    /// A secret: a string, or `{ env = "NAME" }` to read it from the environment (better:
    /// it keeps the secret out of the file). `config check` prints it as `[redacted]`.
    public mutating func secret(_ key: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Secret? {
        secretKeys.insert(key)
        guard let value = value(key) else { return nil }
        switch value {
        case .string(let text):
            return Secret(text)
        case .table(let members) where members.keys.sorted() == ["env"]:
            guard case .string(let name)? = members["env"] else {
                throw error("option '\(key)': env must name an environment variable, e.g. { env = \"SMTP_PASSWORD\" }.", key: key)
            }
            guard let text = environment[name], !text.isEmpty else {
                throw error("option '\(key)' reads $\(name), which is not set. Set it in the service's environment.", key: key)
            }
            return Secret(text)
        default:
            // The value is not echoed: it may be the secret.
            throw error("option '\(key)' must be a string or { env = \"NAME\" }, not \(value.kind).", key: key)
        }
    }

    // MARK: Structured values

    /// A table option (`[workflows.options.limits]` or `limits = { … }`).
    public mutating func table(_ key: String) throws -> [String: ConfigValue]? {
        guard let value = value(key) else { return nil }
        guard case .table(let members) = value else { throw mismatch(key, value, expected: "a table") }
        return members
    }

    /// An array option.
    public mutating func array(_ key: String) throws -> [ConfigValue]? {
        guard let value = value(key) else { return nil }
        guard case .array(let elements) = value else { throw mismatch(key, value, expected: "an array") }
        return elements
    }

    /// Any option as JSON (for pipelines and plugins that take untyped settings).
    public mutating func json(_ key: String) -> JSONValue? {
        value(key)?.json
    }

    /// Decodes an option (typically a table or an array of tables) into a `Decodable` type.
    /// A mismatch names the nested path and its line, e.g. `endpoints[1].url` (line 14).
    public mutating func decode<T: Decodable>(_ type: T.Type, _ key: String) throws -> T? {
        guard let value = value(key) else { return nil }
        do {
            return try value.json.decode(type)
        } catch let failure as DecodingError {
            let (path, reason) = Self.explain(failure, key: key)
            throw error("option '\(path)' \(reason)", key: path)
        }
    }

    static func explain(_ failure: DecodingError, key: String) -> (path: String, reason: String) {
        func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            var text = key
            for component in codingPath + (last.map { [$0] } ?? []) {
                if let index = component.intValue { text += "[\(index)]" } else { text += ".\(component.stringValue)" }
            }
            return text
        }
        switch failure {
        case .keyNotFound(let missing, let context):
            return (path(context.codingPath), "needs the key '\(missing.stringValue)'.")
        case .typeMismatch(let type, let context):
            return (path(context.codingPath), "has the wrong type; expected \(readable(type)).")
        case .valueNotFound(let type, let context):
            return (path(context.codingPath), "is missing; expected \(readable(type)).")
        case .dataCorrupted(let context):
            return (path(context.codingPath), "is not valid: \(context.debugDescription)")
        @unknown default:
            return (key, "cannot be read: \(failure)")
        }
    }

    private static func readable(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: "\(type)"
        }
    }

    /// Throws if an option was given that the workflow type does not take.
    public func finish() throws {
        if let unknown = values.keys.sorted().first(where: { !used.contains($0) }) {
            let takes = used.isEmpty ? "no options" : used.sorted().joined(separator: ", ")
            throw error("unknown option '\(unknown)'. This type takes: \(takes).", key: unknown)
        }
    }
}
