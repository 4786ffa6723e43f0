import Cairn
import Foundation
import TOMLKit

/// Typed access to TOML tables that reports the key, the expected type and the line.
struct ConfigReader {
    let lines: TOMLLines
    let source: String?

    func error(_ path: String, _ message: String) -> ConfigError {
        ConfigError(message, file: source, line: lines.line(of: path))
    }

    func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private func display(_ path: String) -> String {
        path.isEmpty ? "the top level" : "[\(path.replacingOccurrences(of: #"\[\d+\]"#, with: "", options: .regularExpression))]"
    }

    func keys(_ table: TOMLTable, allowed: [String], path: String) throws {
        for key in table.keys.sorted() where !allowed.contains(key) {
            let near = allowed.min { Self.distance($0, key) < Self.distance($1, key) }.flatMap { Self.distance($0, key) <= 2 ? $0 : nil }
            let hint = near.map { " Did you mean '\($0)'?" } ?? ""
            throw error(join(path, key), "Unknown key '\(key)' in \(display(path)).\(hint) Known keys: \(allowed.joined(separator: ", ")).")
        }
    }

    /// Edit distance, for "did you mean" hints.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    private func typeName(_ value: any TOMLValueConvertible) -> String {
        switch value.tomlValue.type {
        case .table: "a table"
        case .array: "an array"
        case .string: "a string"
        case .int: "an integer"
        case .double: "a number"
        case .bool: "a boolean"
        default: "a date or time"
        }
    }

    func mismatch(_ path: String, _ key: String, expected: String, got value: any TOMLValueConvertible) -> ConfigError {
        error(join(path, key), "'\(join(path, key))' must be \(expected), not \(typeName(value)).")
    }

    func table(_ table: TOMLTable, _ key: String, path: String) throws -> TOMLTable? {
        guard let value = table[key] else { return nil }
        guard value.tomlValue.type == .table, let result = value.table else {
            throw mismatch("", path, expected: "a table ([\(path)])", got: value)
        }
        return result
    }

    func string(_ table: TOMLTable, _ key: String, path: String) throws -> String? {
        guard let value = table[key] else { return nil }
        guard value.tomlValue.type == .string, let text = value.string else { throw mismatch(path, key, expected: "a string", got: value) }
        return text
    }

    func int(_ table: TOMLTable, _ key: String, path: String, range: ClosedRange<Int>) throws -> Int? {
        guard let value = table[key] else { return nil }
        guard value.tomlValue.type == .int, let number = value.int else { throw mismatch(path, key, expected: "an integer", got: value) }
        guard range.contains(number) else {
            throw error(join(path, key), "'\(join(path, key))' is \(number); it must be from \(range.lowerBound) to \(range.upperBound).")
        }
        return number
    }

    func bool(_ table: TOMLTable, _ key: String, path: String) throws -> Bool? {
        guard let value = table[key] else { return nil }
        guard value.tomlValue.type == .bool, let flag = value.bool else { throw mismatch(path, key, expected: "true or false", got: value) }
        return flag
    }

    func choice(_ table: TOMLTable, _ key: String, path: String, from choices: [String]) throws -> String? {
        guard let text = try string(table, key, path: path) else { return nil }
        guard choices.contains(text) else {
            throw error(join(path, key), "'\(join(path, key))' is \"\(text)\"; use one of: \(choices.joined(separator: ", ")).")
        }
        return text
    }

    /// A duration string such as "30 seconds" or "7 days", in milliseconds.
    func duration(_ table: TOMLTable, _ key: String, path: String) throws -> Int64? {
        guard let text = try string(table, key, path: path) else { return nil }
        do {
            let milliseconds = try WorkflowDuration(parsing: text).milliseconds()
            guard milliseconds > 0 else { throw error(join(path, key), "'\(join(path, key))' must be longer than zero.") }
            return milliseconds
        } catch let error as ConfigError {
            throw error
        } catch {
            throw self.error(join(path, key), "'\(join(path, key))' = \"\(text)\" is not a duration. Write e.g. \"30 seconds\", \"5 minutes\" or \"7 days\".")
        }
    }

    /// An option value, nested tables and arrays included; records the line of every value.
    func optionValue(_ item: any TOMLValueConvertible, path: String, key: String, option: String, lines optionLines: inout [String: Int]) throws -> ConfigValue {
        let full = join(path, key)
        if let line = lines.line(of: full) { optionLines[option] = line }
        switch item.tomlValue.type {
        case .string: return .string(item.string ?? "")
        case .int: return .int(item.int ?? 0)
        case .double: return .double(item.double ?? 0)
        case .bool: return .bool(item.bool ?? false)
        case .table:
            guard let table = item.table else { break }
            var members: [String: ConfigValue] = [:]
            for member in table.keys {
                guard let nested = table[member] else { continue }
                members[member] = try optionValue(nested, path: full, key: member, option: "\(option).\(member)", lines: &optionLines)
            }
            return .table(members)
        case .array:
            guard let array = item.array else { break }
            var elements: [ConfigValue] = []
            for index in 0..<array.count {
                elements.append(try optionValue(array[index], path: path, key: "\(key)[\(index)]", option: "\(option)[\(index)]", lines: &optionLines))
            }
            return .array(elements)
        default: break
        }
        throw mismatch(path, key, expected: "a string, number, boolean, array or table (dates are not supported; write them as strings)", got: item)
    }

    /// `[[workflows]]` entries: name (unique), type, optional description and `options` table.
    func workflows(_ root: TOMLTable) throws -> [AppConfig.WorkflowEntry] {
        guard let value = root["workflows"] else { return [] }
        guard value.tomlValue.type == .array, let array = value.array else {
            throw mismatch("", "workflows", expected: "an array of tables ([[workflows]])", got: value)
        }
        var entries: [AppConfig.WorkflowEntry] = []
        var seen: [String: Int] = [:]
        for index in 0..<array.count {
            let path = "workflows[\(index)]"
            let item = array[index]
            guard item.tomlValue.type == .table, let table = item.table else {
                throw error(path, "Each workflow must be a table: write [[workflows]] followed by name = \"...\" and type = \"...\".")
            }
            try keys(table, allowed: ["name", "type", "description", "options"], path: path)
            guard let name = try string(table, "name", path: path) else {
                throw error(path, "A [[workflows]] entry has no name. Add name = \"my-workflow\".")
            }
            do {
                try Identifier.validateWorkflowName(name)
            } catch {
                throw self.error("\(path).name", "Workflow name \"\(name)\" is not allowed: \(error)")
            }
            if let first = seen[name] {
                throw self.error("\(path).name", "Duplicate workflow name \"\(name)\" (first defined at line \(lines.line(of: "workflows[\(first)].name") ?? 0)). Give each workflow its own name.")
            }
            seen[name] = index
            guard let type = try string(table, "type", path: path) else {
                throw error(path, "Workflow \"\(name)\" has no type. Add type = \"seed-example\" (see `cairn config check` for the types this build knows).")
            }
            _ = try string(table, "description", path: path)
            var options: [String: ConfigValue] = [:]
            var optionLines: [String: Int] = [:]
            if let optionTable = try self.table(table, "options", path: "\(path).options") {
                for key in optionTable.keys {
                    guard let option = optionTable[key] else { continue }
                    options[key] = try optionValue(option, path: "\(path).options", key: key, option: key, lines: &optionLines)
                }
            }
            entries.append(AppConfig.WorkflowEntry(name: name, type: type, options: options, line: lines.line(of: path), optionLines: optionLines))
        }
        return entries
    }
}
