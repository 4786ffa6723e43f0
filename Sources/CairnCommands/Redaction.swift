import Cairn
import CairnApp

/// Hides secrets in what `config check` prints: options a workflow type reads as secrets, and
/// any key, at any depth, whose name suggests one (`password`, `secret`, `token`, `key`).
enum Redaction {
    static let marker = "[redacted]"
    private static let secretWords = ["password", "secret", "token", "key"]

    static func isSecret(_ key: String) -> Bool {
        let lowered = key.lowercased()
        return secretWords.contains { lowered.contains($0) }
    }

    /// A workflow option with secrets hidden; `declared` holds the options read as secrets.
    static func option(_ key: String, _ value: ConfigValue, declared: Set<String>) -> ConfigValue {
        if declared.contains(key) || isSecret(key) { return .string(marker) }
        return scrub(value)
    }

    private static func scrub(_ value: ConfigValue) -> ConfigValue {
        switch value {
        case .table(let members): .table(Dictionary(uniqueKeysWithValues: members.map { ($0.key, isSecret($0.key) ? .string(marker) : scrub($0.value)) }))
        case .array(let elements): .array(elements.map(scrub))
        default: value
        }
    }

    /// JSON members with secrets hidden at any depth.
    static func json(_ members: [String: JSONValue]) -> [String: JSONValue] {
        Dictionary(uniqueKeysWithValues: members.map { ($0.key, isSecret($0.key) ? .string(marker) : json($0.value)) })
    }

    private static func json(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members): .object(json(members))
        case .array(let elements): .array(elements.map(json))
        default: value
        }
    }
}
