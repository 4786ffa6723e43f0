import Cairn
import CairnTriggers
import Foundation
import TOMLKit

/// Reads one `[[drops]]` entry. Every error names the drop, sits on the line of the
/// offending key and says what to write instead.
struct DropEntryReader: ConfigEntryReader {
    static let keys = ["name", "directory", "create", "workflow", "pattern", "params", "settle", "scan_interval", "keep_done", "keep_failed",
                       "max_file_bytes", "batch", "dedupe", "dedupe_window"]
    /// Set by Cairn for every file; a configured param of the same name would be overwritten.
    static let reservedParams = ["path", "name", "size", "sha256", "modified"]

    let reader: ConfigReader
    let table: TOMLTable
    /// `drops[2]`, for line lookups.
    let path: String
    /// Relative directories start here (the working directory, like the storage path).
    let base: String
    private var name: String?

    init(reader: ConfigReader, table: TOMLTable, path: String, base: String) {
        self.reader = reader
        self.table = table
        self.path = path
        self.base = base
    }

    mutating func read() throws -> (definition: DropDefinition, lines: [String: Int]) {
        try reader.keys(table, allowed: Self.keys, path: path)
        guard let name = try string("name", example: "\"invoices\"") else {
            throw error(nil, "has no name. Add name = \"invoices\" (letters, digits, - and _; it becomes part of every file's instance ID).")
        }
        self.name = name
        guard var directory = try string("directory", example: "\"/srv/drop/invoices\"") else {
            throw error(nil, "has no directory. Add directory = \"/srv/drop/invoices\", the folder files are dropped into.")
        }
        directory = directory.hasPrefix("/") ? URL(fileURLWithPath: directory).standardized.path
            : URL(fileURLWithPath: directory, relativeTo: URL(fileURLWithPath: base, isDirectory: true)).standardized.path
        guard let workflow = try string("workflow", example: "\"ingest\"") else {
            throw error(nil, "has no workflow. Add workflow = \"<name of a [[workflows]] entry>\", the workflow each file starts.")
        }
        var pattern: FileGlob?
        if let text = try string("pattern", example: "\"*.csv\"") {
            do {
                pattern = try FileGlob(text)
            } catch {
                throw self.error("pattern", error.message)
            }
        }
        var dedupe = DropDefinition.Dedupe.none
        if let text = try string("dedupe", example: "\"content\"") {
            guard let chosen = DropDefinition.Dedupe(rawValue: text) else {
                throw error("dedupe", "dedupe = \"\(text)\" is not a mode; write \"content\" (skip a file whose SHA-256 was processed within dedupe_window) or \"none\" (the default).")
            }
            dedupe = chosen
        }
        if table["dedupe_window"] != nil, dedupe != .content {
            throw error("dedupe_window", "dedupe_window applies only with dedupe = \"content\". Add dedupe = \"content\", or remove dedupe_window.")
        }
        let maxBytes = try int("max_file_bytes", example: "1073741824") ?? (1 << 30)
        guard maxBytes >= 1 else { throw error("max_file_bytes", "max_file_bytes = \(maxBytes) must be at least 1 (the default is 1 GiB).") }
        let batch = try int("batch", example: "100") ?? 100
        guard (1...10_000).contains(batch) else { throw error("batch", "batch = \(batch) must be from 1 to 10000 (the default is 100).") }
        let scanInterval = try duration("scan_interval", example: "\"30 seconds\"", allowZero: false) ?? 30_000
        guard scanInterval >= 1000 else { throw error("scan_interval", "scan_interval must be at least 1 second (the default is 30 seconds).") }
        let settle = try duration("settle", example: "\"2 seconds\"", allowZero: true) ?? 2000
        let keepDone = try retention("keep_done", default: 7 * 86_400_000)
        let keepFailed = try retention("keep_failed", default: nil)
        let dedupeWindow = try duration("dedupe_window", example: "\"7 days\"", allowZero: false) ?? 7 * 86_400_000
        let params = try readParams()
        var definition: DropDefinition
        do {
            definition = try DropDefinition(
                name: name, directory: directory, workflow: workflow, pattern: pattern, params: params, settle: .milliseconds(settle),
                scanInterval: .milliseconds(scanInterval), keepDone: keepDone, keepFailed: keepFailed, maxFileBytes: Int64(maxBytes), batch: batch,
                dedupe: dedupe, dedupeWindow: .milliseconds(dedupeWindow), line: reader.lines.line(of: path))
        } catch {
            throw reader.error("\(path).name", "\(error)")
        }
        definition.create = try bool("create") ?? false
        var lines: [String: Int] = [:]
        for key in ["name", "directory", "workflow", "params", "pattern"] where table[key] != nil { lines[key] = reader.lines.line(of: "\(path).\(key)") }
        return (definition, lines)
    }

    /// `keep_done` / `keep_failed`: a duration, or "forever".
    private func retention(_ key: String, default value: Int64?) throws -> Duration? {
        guard let text = try string(key, example: "\"7 days\"") else { return value.map { .milliseconds($0) } }
        if text == "forever" { return nil }
        guard let milliseconds = try? WorkflowDuration(parsing: text).milliseconds(), milliseconds > 0 else {
            throw error(key, "\(key) = \"\(text)\" is not a duration; write e.g. \(key) = \"7 days\", or \"forever\" to keep the files.")
        }
        return .milliseconds(milliseconds)
    }

    /// The `params` table as JSON members.
    private func readParams() throws -> [String: JSONValue] {
        guard let value = table["params"] else { return [:] }
        guard value.tomlValue.type == .table else {
            throw error("params", "params must be a table, e.g. params = { region = \"eu\" } or a [drops.params] section below the entry.")
        }
        var ignoredLines: [String: Int] = [:]
        guard case .table(let members) = try reader.optionValue(value, path: path, key: "params", option: "params", lines: &ignoredLines) else { return [:] }
        if let reserved = Self.reservedParams.first(where: { members[$0] != nil }) {
            throw error("params.\(reserved)", "params.\(reserved) is set by Cairn for every file (path, name, size, sha256 and modified), so a configured value would be lost. Rename the param.")
        }
        return members.mapValues(\.json)
    }

    // MARK: Typed values (ConfigEntryReader)

    var subject: String { name.map { "Drop \"\($0)\"" } ?? "A [[drops]] entry" }
}
