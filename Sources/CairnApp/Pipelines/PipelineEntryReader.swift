import Cairn
import CairnTriggers
import Foundation
import TOMLKit

/// Reads one `[[pipelines]]` entry and its `[[pipelines.steps]]`. Every error names the
/// pipeline (and step), sits on the line of the offending key and says what to write.
struct PipelineEntryReader: ConfigEntryReader {
    static let keys = ["name", "params", "steps", "output", "description"]
    static let stepKeys = ["name", "action", "with", "sleep", "sleep_until", "wait_for_event", "retries", "timeout", "when", "continue_on_error"]

    let reader: ConfigReader
    let table: TOMLTable
    let path: String
    private var name: String?

    init(reader: ConfigReader, table: TOMLTable, path: String) {
        self.reader = reader
        self.table = table
        self.path = path
    }

    var subject: String { name.map { "Pipeline \"\($0)\"" } ?? "A [[pipelines]] entry" }

    mutating func read() throws -> (definition: PipelineDefinition, lines: [String: Int]) {
        try reader.keys(table, allowed: Self.keys, path: path)
        guard let name = try string("name", example: "\"nightly-report\"") else {
            throw error(nil, "has no name. Add name = \"nightly-report\"; it is the workflow name the API and CLI use.")
        }
        do {
            try Identifier.validateWorkflowName(name)
        } catch {
            throw self.error("name", "\(error)")
        }
        self.name = name
        let params = try readSchema()
        guard let steps = table["steps"], steps.tomlValue.type == .array, let array = steps.array, array.count > 0 else {
            throw error(nil, "has no steps. Add [[pipelines.steps]] entries below it, each with a name and one of action, sleep, sleep_until or wait_for_event.")
        }
        var definitions: [PipelineDefinition.Step] = []
        var lines: [String: Int] = [:]
        lines["name"] = reader.lines.line(of: "\(path).name")
        for index in 0..<array.count {
            let stepPath = "\(path).steps[\(index)]"
            guard array[index].tomlValue.type == .table, let stepTable = array[index].table else {
                throw reader.error(stepPath, "\(subject): each step must be a table ([[pipelines.steps]]).")
            }
            var step = PipelineStepReader(reader: reader, table: stepTable, path: stepPath, pipeline: name)
            let definition = try step.read()
            if definitions.contains(where: { $0.name == definition.name }) {
                throw reader.error("\(stepPath).name", "\(subject): two steps are named \"\(definition.name)\"; give each step its own name (templates refer to steps by name).")
            }
            definitions.append(definition)
            lines["step:\(definition.name)"] = reader.lines.line(of: "\(stepPath).name")
            for key in ["with", "when", "sleep_until", "action"] where stepTable[key] != nil {
                lines["step:\(definition.name).\(key)"] = reader.lines.line(of: "\(stepPath).\(key)")
            }
        }
        var output: TemplateValue?
        if let value = table["output"] {
            var ignored: [String: Int] = [:]
            let json = try reader.optionValue(value, path: path, key: "output", option: "output", lines: &ignored).json
            do {
                output = try TemplateValue.parse(json)
            } catch {
                throw self.error("output", error.at("output"))
            }
            lines["output"] = reader.lines.line(of: "\(path).output")
        }
        return (PipelineDefinition(name: name, params: params, steps: definitions, output: output, line: reader.lines.line(of: path)), lines)
    }

    /// `params = { email = "string", plan = "string?" }`.
    private func readSchema() throws -> [String: (type: PipelineDefinition.ParamType, required: Bool)] {
        guard let value = table["params"] else { return [:] }
        guard value.tomlValue.type == .table, let schema = value.table else {
            throw error("params", "params must be a table of key = \"type\", e.g. params = { email = \"string\", plan = \"string?\" } (a trailing ? makes a key optional).")
        }
        var result: [String: (type: PipelineDefinition.ParamType, required: Bool)] = [:]
        for key in schema.keys {
            guard let text = schema[key]?.string else {
                throw error("params", "params.\(key) must be a type name in quotes, e.g. \"string\".")
            }
            let optional = text.hasSuffix("?")
            guard let type = PipelineDefinition.ParamType(rawValue: optional ? String(text.dropLast()) : text) else {
                let choices = PipelineDefinition.ParamType.allCases.map(\.rawValue).joined(separator: ", ")
                throw error("params", "params.\(key) = \"\(text)\" is not a type; use one of \(choices), with ? for optional.")
            }
            result[key] = (type, !optional)
        }
        return result
    }
}
