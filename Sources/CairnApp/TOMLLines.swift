/// Finds the line of a key in TOML text, because the TOML library reports no positions for
/// values. Paths look like `server.port`, `workflows[0].name` or `workflows[1].options.source`.
struct TOMLLines {
    private var lines: [String: Int] = [:]

    init(_ text: String) {
        var table = ""
        var arrayCounts: [String: Int] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = Self.stripComment(String(raw)).trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[[") && line.hasSuffix("]]") {
                // `[[workflows.options.endpoints]]` belongs to the last `[[workflows]]`.
                let parts = Self.clean(String(line.dropFirst(2).dropLast(2))).split(separator: ".").map(String.init)
                let parent = parts.count > 1 ? Self.resolve(parts.dropLast().joined(separator: "."), arrays: arrayCounts) : ""
                let name = parent.isEmpty ? parts.joined() : "\(parent).\(parts[parts.count - 1])"
                let position = arrayCounts[name, default: 0]
                arrayCounts[name] = position + 1
                table = "\(name)[\(position)]"
                lines[table] = lines[table] ?? number
            } else if line.hasPrefix("[") && line.hasSuffix("]") {
                let name = Self.clean(String(line.dropFirst().dropLast()))
                table = Self.resolve(name, arrays: arrayCounts)
                lines[table] = lines[table] ?? number
            } else if let equals = line.firstIndex(of: "=") {
                let key = Self.clean(String(line[..<equals]))
                guard !key.isEmpty else { continue }
                let path = table.isEmpty ? key : "\(table).\(key)"
                lines[path] = lines[path] ?? number
            }
        }
    }

    /// The line of `path`, or of its nearest enclosing table.
    func line(of path: String) -> Int? {
        var current = path
        while true {
            if let line = lines[current] { return line }
            if current.hasSuffix("]"), let bracket = current.lastIndex(of: "[") {
                current = String(current[..<bracket])      // `source[1]` is on the line of `source`
                continue
            }
            guard let dot = current.lastIndex(of: ".") else { return nil }
            current = String(current[..<dot])
        }
    }

    /// `[workflows.options]` after `[[workflows]]` belongs to the last array element.
    private static func resolve(_ name: String, arrays: [String: Int]) -> String {
        let parts = name.split(separator: ".").map(String.init)
        var resolved: [String] = []
        for part in parts {
            let prefix = (resolved + [part]).joined(separator: ".")
            if let count = arrays[prefix] {
                resolved = ["\(prefix)[\(count - 1)]"]
            } else {
                resolved.append(part)
            }
        }
        return resolved.joined(separator: ".")
    }

    private static func clean(_ key: String) -> String {
        key.split(separator: ".").map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'")) }
            .joined(separator: ".")
    }

    private static func stripComment(_ line: String) -> String {
        var inString: Character?
        for (offset, character) in line.enumerated() {
            if let quote = inString {
                if character == quote { inString = nil }
            } else if character == "\"" || character == "'" {
                inString = character
            } else if character == "#" {
                return String(line.prefix(offset))
            }
        }
        return line
    }
}

import Foundation
