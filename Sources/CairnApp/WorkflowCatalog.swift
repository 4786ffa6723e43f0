import Cairn
import CairnEngine
import CairnExamples
import Foundation

/// The workflow types a config's `[[workflows]]` entries can name, each with a factory that
/// checks the entry's options and registers the workflow. A package that embeds Cairn adds
/// its own Swift workflows here before calling ``Appliance``.
///
/// ```swift
/// var catalog = WorkflowCatalog.builtIn
/// catalog.add("ip-report", summary: "My report") { options in
///     let url = try options.string("source", default: "https://example.net/ips")
///     try options.finish()
///     return { engine, name in try engine.register(IPReport(source: url), as: name) }
/// }
/// ```
public struct WorkflowCatalog: Sendable {
    /// Registers a configured workflow under its name.
    public typealias Registration = @Sendable (Engine, String) throws -> Void
    public typealias Factory = @Sendable (inout WorkflowOptions) throws -> Registration

    public struct Entry: Sendable {
        public var summary: String
        public var factory: Factory
    }

    public private(set) var entries: [String: Entry] = [:]

    public init() {}

    public mutating func add(_ type: String, summary: String, factory: @escaping Factory) {
        entries[type] = Entry(summary: summary, factory: factory)
    }

    /// Checks an entry's type and options; the result registers it.
    public func resolve(_ entry: AppConfig.WorkflowEntry, file: String?) throws -> Registration {
        guard let known = entries[entry.type] else {
            throw ConfigError("Workflow \"\(entry.name)\" has type \"\(entry.type)\", which this build does not know. Known types: \(entries.keys.sorted().joined(separator: ", ")).",
                              file: file, line: entry.line)
        }
        var options = WorkflowOptions(values: entry.options, workflow: entry.name, file: file, line: entry.line, optionLines: entry.optionLines)
        let registration = try known.factory(&options)
        try options.finish()
        return registration
    }

    /// The types that ship with Cairn.
    public static var builtIn: WorkflowCatalog {
        var catalog = WorkflowCatalog()
        catalog.add("seed-example", summary: "The get-started guide's example: fetch a JSON list of IP ranges, sleep, count them (3 linear retries).") { options in
            let source = try options.string("source", default: "etc/sample-ips.json")
            let pause = try options.duration("pause", default: "20 seconds")
            let url = URL(string: source).flatMap { $0.scheme == nil ? nil : $0 } ?? URL(fileURLWithPath: source)
            return { engine, name in try engine.register(MyWorkflow(source: url, pause: pause), as: name) }
        }
        return catalog
    }
}

/// A workflow entry's `options`, read by its factory; options nobody read are reported.
public struct WorkflowOptions: Sendable {
    var values: [String: ConfigValue]
    let workflow: String
    let file: String?
    let line: Int?
    let optionLines: [String: Int]
    private var used: Set<String> = []

    init(values: [String: ConfigValue], workflow: String, file: String?, line: Int?, optionLines: [String: Int] = [:]) {
        self.values = values
        self.workflow = workflow
        self.file = file
        self.line = line
        self.optionLines = optionLines
    }

    /// An error at the option's own line when known, else at the entry's.
    func error(_ message: String, key: String? = nil) -> ConfigError {
        ConfigError("Workflow \"\(workflow)\": \(message)", file: file, line: key.flatMap { optionLines[$0] } ?? line)
    }

    public mutating func string(_ key: String, default fallback: String) throws -> String {
        used.insert(key)
        guard let value = values[key] else { return fallback }
        guard case .string(let text) = value else { throw error("option '\(key)' must be a string, not \(value).", key: key) }
        return text
    }

    /// A duration option, checked now against the limit the engine enforces when the
    /// workflow runs (365 days for sleeps and event timeouts), so a config that would fail
    /// every instance is refused at start-up and by `cairn config check`.
    public mutating func duration(_ key: String, default fallback: String, atMost maximum: WorkflowDuration = .days(365)) throws -> WorkflowDuration {
        let text = try string(key, default: fallback)
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

    /// Throws if an option was given that the workflow type does not take.
    public func finish() throws {
        if let unknown = values.keys.sorted().first(where: { !used.contains($0) }) {
            throw error("unknown option '\(unknown)'. This type takes: \(used.sorted().joined(separator: ", ")).", key: unknown)
        }
    }
}
