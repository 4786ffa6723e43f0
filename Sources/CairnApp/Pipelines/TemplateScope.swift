import Cairn
import Foundation

/// The values a pipeline's templates can read while one instance runs.
public struct TemplateScope: Sendable {
    public var params: JSONValue
    /// `payload`, `timestamp`, `instance_id`, `workflow`.
    public var event: JSONValue
    /// The outputs of the steps that ran so far, by step name.
    public var outputs: [String: JSONValue]
    /// Secrets by name; only arguments a plugin marks as secret-capable may read them.
    public var secrets: [String: String]

    public init(params: JSONValue, event: JSONValue = .object([:]), outputs: [String: JSONValue] = [:], secrets: [String: String] = [:]) {
        self.params = params
        self.event = event
        self.outputs = outputs
        self.secrets = secrets
    }

    /// The value at `path`, or `nil` when something on the way is missing.
    func lookup(_ path: TemplatePath) -> JSONValue? {
        var components = path.components[...]
        var value: JSONValue?
        switch path.root {
        case "params": value = params
        case "event": value = event
        case "secrets":
            guard let name = path.secretName else { return nil }
            return secrets[name].map(JSONValue.string)
        case "steps":
            guard let name = path.stepName, let output = outputs[name] else { return nil }
            value = output
            // <name>.output, or <name> alone before a key of the output (steps.wait.timed_out).
            components = components.dropFirst(path.components.count > 1 && path.components[1] == .key("output") ? 2 : 1)
        default:
            return nil
        }
        for component in components {
            switch (component, value) {
            case (.key(let key), .object(let members)?): value = members[key]
            case (.index(let index), .array(let elements)?): value = elements.indices.contains(index) ? .some(elements[index]) : .none
            default: return nil
            }
        }
        return value
    }
}
