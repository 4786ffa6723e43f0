/// Where a template reads a value: a root (`params`, `event`, `steps`, `secrets`) and keys or
/// indexes below it, as in `steps.fetch.output.items[0].name`.
public struct TemplatePath: Hashable, Sendable, CustomStringConvertible {
    public enum Component: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    /// The roots a path may start at.
    public static let roots: Set<String> = ["params", "event", "steps", "secrets"]

    public var root: String
    public var components: [Component]

    /// For `steps.<name>…`, the step name.
    public var stepName: String? {
        guard root == "steps", case .key(let name)? = components.first else { return nil }
        return name
    }

    /// For `secrets.<name>`, the secret's name.
    public var secretName: String? {
        guard root == "secrets", case .key(let name)? = components.first else { return nil }
        return name
    }

    public var description: String {
        components.reduce(root) { text, component in
            switch component {
            case .key(let key): key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" } ? "\(text).\(key)" : "\(text)[\"\(key)\"]"
            case .index(let index): "\(text)[\(index)]"
            }
        }
    }
}
