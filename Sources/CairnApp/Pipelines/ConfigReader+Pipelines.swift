import Cairn
import CairnTriggers
import Foundation
import TOMLKit

extension ConfigReader {
    /// `[[pipelines]]` entries; a name used twice is refused on the second entry's line.
    func pipelines(_ root: TOMLTable) throws -> (definitions: [PipelineDefinition], lines: [String: [String: Int]]) {
        guard let value = root["pipelines"] else { return ([], [:]) }
        guard value.tomlValue.type == .array, let array = value.array else {
            throw mismatch("", "pipelines", expected: "an array of tables ([[pipelines]])", got: value)
        }
        var definitions: [PipelineDefinition] = []
        var lines: [String: [String: Int]] = [:]
        for index in 0..<array.count {
            let path = "pipelines[\(index)]"
            guard array[index].tomlValue.type == .table, let table = array[index].table else {
                throw error(path, "Each pipeline must be a table: write [[pipelines]] followed by name = \"...\" and [[pipelines.steps]] entries.")
            }
            var entry = PipelineEntryReader(reader: self, table: table, path: path)
            let (definition, keyLines) = try entry.read()
            if lines[definition.name] != nil {
                throw error("\(path).name", "Duplicate pipeline name \"\(definition.name)\". Give each pipeline its own name.")
            }
            definitions.append(definition)
            lines[definition.name] = keyLines
        }
        return (definitions, lines)
    }

    /// `[secrets]`: name = "env:NAME" | "file:PATH" | literal, resolved now. Returns the values
    /// and where each came from (what reports show).
    func secrets(_ root: TOMLTable, environment: [String: String]) throws -> (values: [String: String], sources: [String: HookSecretSource]) {
        guard let table = try self.table(root, "secrets", path: "") else { return ([:], [:]) }
        var values: [String: String] = [:]
        var sources: [String: HookSecretSource] = [:]
        for key in table.keys.sorted() {
            guard let text = table[key]?.string else {
                throw error("secrets.\(key)", "secrets.\(key) must be a string: \"env:NAME\", \"file:PATH\" or the value.")
            }
            do {
                let (source, value) = try HookSecretSource.resolve(text, environment: environment)
                values[key] = value
                sources[key] = source
            } catch {
                throw self.error("secrets.\(key)", "secrets.\(key): \(error.message)")
            }
        }
        return (values, sources)
    }

    /// `[plugins.<name>]` tables by plugin name: as written (for reports), and with every
    /// `"env:NAME"` / `"file:PATH"` string resolved (what the plugin gets).
    func pluginSettings(_ root: TOMLTable, environment: [String: String]) throws -> (written: [String: JSONValue], resolved: [String: JSONValue]) {
        guard let table = try self.table(root, "plugins", path: "") else { return ([:], [:]) }
        var written: [String: JSONValue] = [:]
        var resolved: [String: JSONValue] = [:]
        for name in table.keys.sorted() {
            guard let value = table[name], value.tomlValue.type == .table else {
                throw error("plugins.\(name)", "[plugins.\(name)] must be a table of that plugin's settings.")
            }
            var ignored: [String: Int] = [:]
            let json = try optionValue(value, path: "plugins", key: name, option: name, lines: &ignored).json
            written[name] = json
            resolved[name] = try resolveSecrets(json, path: "plugins.\(name)", environment: environment)
        }
        return (written, resolved)
    }

    /// `json` with `env:`/`file:` strings replaced by what they name.
    func resolveSecrets(_ json: JSONValue, path: String, environment: [String: String]) throws -> JSONValue {
        switch json {
        case .string(let text) where text.hasPrefix("env:") || text.hasPrefix("file:"):
            do {
                return .string(try HookSecretSource.resolve(text, environment: environment).value)
            } catch {
                throw self.error(path, "\(path): \(error.message)")
            }
        case .object(let members):
            var result: [String: JSONValue] = [:]
            for (key, member) in members { result[key] = try resolveSecrets(member, path: "\(path).\(key)", environment: environment) }
            return .object(result)
        case .array(let elements):
            return .array(try elements.enumerated().map { try resolveSecrets($1, path: "\(path)[\($0)]", environment: environment) })
        default:
            return json
        }
    }
}
