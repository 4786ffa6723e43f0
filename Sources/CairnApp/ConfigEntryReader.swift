import Cairn
import TOMLKit

/// What the readers of one `[[schedules]]`, `[[hooks]]` or `[[drops]]` entry share: typed
/// lookups of the entry's keys whose errors name the entry, sit on the key's line and show
/// what to write instead.
protocol ConfigEntryReader {
    var reader: ConfigReader { get }
    var table: TOMLTable { get }
    /// `drops[2]`, for line lookups.
    var path: String { get }
    /// `Drop "inbox"`, or `A [[drops]] entry` before the name is known.
    var subject: String { get }
}

extension ConfigEntryReader {
    /// An error on the line of `key` (of the entry when `nil`).
    func error(_ key: String?, _ message: String) -> ConfigError {
        reader.error(key.map { "\(path).\($0)" } ?? path, key == nil ? "\(subject) \(message)" : "\(subject): \(message)")
    }

    func typed(_ key: String, _ type: TOMLType, expected: String, example: String) throws -> (any TOMLValueConvertible)? {
        guard let value = table[key] else { return nil }
        guard value.tomlValue.type == type else {
            throw error(key, "\(key) must be \(expected); write e.g. \(key) = \(example).")
        }
        return value
    }

    func string(_ key: String, example: String) throws -> String? {
        try typed(key, .string, expected: "a string", example: example)?.string
    }

    func int(_ key: String, example: String) throws -> Int? {
        try typed(key, .int, expected: "an integer", example: example)?.int
    }

    func bool(_ key: String) throws -> Bool? {
        try typed(key, .bool, expected: "true or false", example: "true")?.bool
    }

    func stringArray(_ key: String, example: String) throws -> [String]? {
        guard let value = table[key] else { return nil }
        let array = value.tomlValue.type == .array ? value.array : nil
        let strings = array.map { array in (0..<array.count).compactMap { array[$0].tomlValue.type == .string ? array[$0].string : nil } }
        guard let array, let strings, strings.count == array.count else {
            throw error(key, "\(key) must be an array of strings; write e.g. \(key) = \(example).")
        }
        return strings
    }

    /// A duration such as "30 seconds", in milliseconds: longer than zero, or zero too with
    /// `allowZero`.
    func duration(_ key: String, example: String, allowZero: Bool = false) throws -> Int64? {
        guard let text = try string(key, example: example) else { return nil }
        guard let milliseconds = try? WorkflowDuration(parsing: text).milliseconds(), milliseconds > 0 || (allowZero && milliseconds == 0) else {
            throw error(key, "\(key) = \"\(text)\" is not a duration\(allowZero ? "" : " longer than zero"); write e.g. \(key) = \(example).")
        }
        return milliseconds
    }
}
