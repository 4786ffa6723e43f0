import CairnTriggers
import TOMLKit

extension ConfigReader {
    /// `[[schedules]]` entries, each read by ``ScheduleEntryReader``; a name used twice is
    /// refused on the second entry's line.
    func schedules(_ root: TOMLTable) throws -> (definitions: [ScheduleDefinition], lines: [String: [String: Int]]) {
        guard let value = root["schedules"] else { return ([], [:]) }
        guard value.tomlValue.type == .array, let array = value.array else {
            throw mismatch("", "schedules", expected: "an array of tables ([[schedules]])", got: value)
        }
        var definitions: [ScheduleDefinition] = []
        var lines: [String: [String: Int]] = [:]
        for index in 0..<array.count {
            let path = "schedules[\(index)]"
            guard array[index].tomlValue.type == .table, let table = array[index].table else {
                throw error(path, "Each schedule must be a table: write [[schedules]] followed by name = \"...\", cron = \"...\" and workflow = \"...\".")
            }
            var entry = ScheduleEntryReader(reader: self, table: table, path: path)
            let (definition, keyLines) = try entry.read()
            if let first = lines[definition.name] {
                throw error("\(path).name", "Duplicate schedule name \"\(definition.name)\" (first defined at line \(first["name"] ?? 0)). Give each schedule its own name: it is part of every tick's instance ID.")
            }
            definitions.append(definition)
            lines[definition.name] = keyLines
        }
        return (definitions, lines)
    }
}
