import Foundation

/// Where one of a hook's secrets comes from, as written in `secrets`: `env:NAME`,
/// `file:PATH` or the literal value. Reports show this instead of the secret.
public enum HookSecretSource: Sendable, Hashable, CustomStringConvertible {
    /// The value is written in the config file.
    case literal
    /// An environment variable of the `cairn` process.
    case environment(String)
    /// A file, read once at load time (a trailing newline is trimmed).
    case file(String)

    /// `env:NAME`, `file:PATH` or `literal`; never the value.
    public var description: String {
        switch self {
        case .literal: "literal"
        case .environment(let name): "env:\(name)"
        case .file(let path): "file:\(path)"
        }
    }

    /// `literal`, `env` or `file`.
    public var kind: String {
        switch self {
        case .literal: "literal"
        case .environment: "env"
        case .file: "file"
        }
    }

    /// Why a secret could not be resolved; the text never holds the secret.
    struct Unresolved: Error {
        var message: String
    }

    /// The source `text` names and the secret it yields, read from `environment` or the file.
    static func resolve(_ text: String, environment: [String: String]) throws(Unresolved) -> (source: HookSecretSource, value: String) {
        if text.hasPrefix("env:") {
            let name = String(text.dropFirst(4))
            guard !name.isEmpty, !name.contains(where: { $0.isWhitespace || $0 == "=" }) else {
                throw Unresolved(message: "an env: secret must name a variable, e.g. \"env:GITHUB_WEBHOOK_SECRET\".")
            }
            guard let value = environment[name], !value.isEmpty else {
                throw Unresolved(message: "env:\(name) names an environment variable that is \(environment[name] == nil ? "not set" : "empty"). Export it in the environment cairn starts in (e.g. in the service unit), or use file:PATH.")
            }
            return (.environment(name), value)
        }
        if text.hasPrefix("file:") {
            let path = String(text.dropFirst(5))
            guard !path.isEmpty else {
                throw Unresolved(message: "a file: secret must name a file, e.g. \"file:/run/secrets/github-webhook\".")
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                throw Unresolved(message: "file:\(path) does not exist\(isDirectory.boolValue ? " as a file (it is a directory)" : ""). Create it with the secret as its only content (mode 0600), or fix the path (relative paths start at the working directory).")
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw Unresolved(message: "file:\(path) cannot be read. Let the user cairn runs as read it (owner-only, mode 0600, is best).")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw Unresolved(message: "file:\(path) is not UTF-8 text. Write the signing secret as the sender shows it.")
            }
            var value = Substring(text)
            while let last = value.last, last == "\n" || last == "\r\n" || last == "\r" { value = value.dropLast() }
            guard !value.isEmpty else {
                throw Unresolved(message: "file:\(path) is empty. Write the signing secret into it.")
            }
            return (.file(path), String(value))
        }
        if let colon = text.firstIndex(of: ":"), ["env", "file"].contains(text[..<colon].lowercased().trimmingCharacters(in: .whitespaces)) {
            // "ENV:NAME" or "File:path" would otherwise become a literal secret that can never
            // match, and the hook would refuse every delivery.
            let kind = text[..<colon].lowercased().trimmingCharacters(in: .whitespaces)
            throw Unresolved(message: "'\(text[...colon])' is not a secret source; write \(kind): in lower case with no space before the colon, e.g. \"\(kind):\(kind == "env" ? "GITHUB_WEBHOOK_SECRET" : "/run/secrets/github-webhook")\".")
        }
        guard !text.isEmpty else {
            throw Unresolved(message: "the secret is empty. Write the signing secret, or better env:NAME or file:PATH so it stays out of the config file.")
        }
        return (.literal, text)
    }
}
