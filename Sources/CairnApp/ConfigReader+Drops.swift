import CairnTriggers
import Foundation
import TOMLKit

extension ConfigReader {
    /// `[[drops]]` entries, each read by ``DropEntryReader``; a name used twice, or two drops
    /// on one directory, is refused on the second entry's line.
    func drops(_ root: TOMLTable, base: String) throws -> (definitions: [DropDefinition], lines: [String: [String: Int]]) {
        guard let value = root["drops"] else { return ([], [:]) }
        guard value.tomlValue.type == .array, let array = value.array else {
            throw mismatch("", "drops", expected: "an array of tables ([[drops]])", got: value)
        }
        var definitions: [DropDefinition] = []
        var canonical: [String: String] = [:]      // by drop name: the directory with links resolved
        var lines: [String: [String: Int]] = [:]
        for index in 0..<array.count {
            let path = "drops[\(index)]"
            guard array[index].tomlValue.type == .table, let table = array[index].table else {
                throw error(path, "Each drop must be a table: write [[drops]] followed by name = \"...\", directory = \"...\" and workflow = \"...\".")
            }
            var entry = DropEntryReader(reader: self, table: table, path: path, base: base)
            let (definition, keyLines) = try entry.read()
            if let first = lines[definition.name] {
                throw error("\(path).name", "Duplicate drop name \"\(definition.name)\" (first defined at line \(first["name"] ?? 0)). Give each drop its own name: it is part of every file's instance ID.")
            }
            let resolved = Self.resolved(definition.directory)
            for other in definitions {
                let theirs = canonical[other.name] ?? other.directory
                if theirs == resolved {
                    throw error("\(path).directory", "Drop \"\(definition.name)\" watches \(definition.directory), which drop \"\(other.name)\" watches already; two drops would race for each file. Use one drop with a pattern, or separate directories.")
                }
                if resolved.hasPrefix(theirs + "/.cairn/") || resolved == theirs + "/.cairn" || theirs.hasPrefix(resolved + "/.cairn/") || theirs == resolved + "/.cairn" {
                    throw error("\(path).directory", "Drop \"\(definition.name)\" watches \(definition.directory), inside the .cairn/ of drop \"\(other.name)\" (or the other way round); a drop's claimed and finished files must not be dropped again. Use separate directories.")
                }
            }
            canonical[definition.name] = resolved
            definitions.append(definition)
            lines[definition.name] = keyLines
        }
        return (definitions, lines)
    }

    /// `path` with symbolic links, `.`, `..` and repeated slashes resolved (as far as it exists).
    static func resolved(_ path: String) -> String {
        guard let real = realpath(path, nil) else { return URL(fileURLWithPath: path).standardized.path }
        defer { free(real) }
        return String(cString: real)
    }
}
