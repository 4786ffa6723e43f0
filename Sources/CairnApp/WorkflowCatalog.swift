import Cairn
import Foundation

/// The workflows an appliance serves: those registered in code, and the workflow *types*
/// that `[[workflows]]` entries of the config can name, each with a factory that reads the
/// entry's options and returns the workflow.
///
/// ```swift
/// try app.workflows.register(IPReport(), as: "ip-report")
/// try app.workflows.add("ip-report", summary: "Counts IP ranges") { options in
///     let source = try options.url("source", default: URL(string: "https://example.net/ips")!)
///     return AnyWorkflow(IPReport(source: source))
/// }
/// ```
public struct WorkflowCatalog: Sendable {
    /// Reads a config entry's options and returns the workflow to register under its name.
    public typealias Factory = @Sendable (inout WorkflowOptions) throws -> AnyWorkflow

    /// A workflow type for `[[workflows]]` entries.
    public struct Entry: Sendable {
        public var summary: String
        public var factory: Factory
    }

    /// A workflow registered in code, under a fixed name.
    public struct Registered: Sendable {
        public var name: String
        public var workflow: AnyWorkflow
    }

    /// The types config entries can name, by type name.
    public private(set) var entries: [String: Entry] = [:]
    /// The workflows registered in code, in registration order.
    public private(set) var registered: [Registered] = []

    public init() {}

    /// Adds a workflow type that `[[workflows]]` entries name with `type = "…"`.
    public mutating func add(_ type: String, summary: String, factory: @escaping Factory) throws {
        guard entries[type] == nil else {
            throw ConfigError("The workflow type \"\(type)\" is added twice. Give each type its own name.")
        }
        entries[type] = Entry(summary: summary, factory: factory)
    }

    /// Registers a workflow in code (it needs no config entry).
    public mutating func register(_ workflow: some Workflow, as name: String) throws {
        do {
            try Identifier.validateWorkflowName(name)
        } catch {
            throw ConfigError("Workflow name \"\(name)\" is not allowed: \(error)")
        }
        guard !registered.contains(where: { $0.name == name }) else {
            throw ConfigError("A workflow named \"\(name)\" is registered twice in code. Give each workflow its own name.")
        }
        registered.append(Registered(name: name, workflow: AnyWorkflow(workflow)))
    }

    /// Checks an entry's type and options; the result is the workflow to register.
    public func resolve(_ entry: AppConfig.WorkflowEntry, file: String?) throws -> ResolvedWorkflow {
        guard let known = entries[entry.type] else {
            let types = entries.keys.sorted()
            throw ConfigError("Workflow \"\(entry.name)\" has type \"\(entry.type)\", which this build does not know. Known types: \(types.isEmpty ? "none" : types.joined(separator: ", ")).",
                              file: file, line: entry.line)
        }
        if registered.contains(where: { $0.name == entry.name }) {
            throw ConfigError("Workflow \"\(entry.name)\" is also registered in code. Rename the config entry.", file: file, line: entry.line)
        }
        var options = WorkflowOptions(values: entry.options, workflow: entry.name, file: file, line: entry.line, lines: entry.optionLines)
        let workflow = try known.factory(&options)
        try options.finish()
        return ResolvedWorkflow(name: entry.name, type: entry.type, workflow: workflow, secretKeys: options.secretKeys)
    }
}

/// A workflow ready to register: from a config entry (with its type) or from code.
public struct ResolvedWorkflow: Sendable {
    public var name: String
    /// The config entry's type; `nil` for workflows registered in code.
    public var type: String?
    public var workflow: AnyWorkflow
    /// Options read as secrets, which `config check` redacts.
    public var secretKeys: Set<String>
}
