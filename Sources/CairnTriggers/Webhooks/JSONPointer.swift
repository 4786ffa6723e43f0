import Cairn

/// RFC 6901 JSON Pointers (`/data/object/metadata/cairn_instance`), as `instance_pointer`
/// names the instance an event goes to.
enum JSONPointer {
    /// The value at `pointer` in `value`, or `nil` when it does not resolve (or the pointer
    /// is malformed: it must be empty or start with `/`).
    static func resolve(_ pointer: String, in value: JSONValue) -> JSONValue? {
        guard !pointer.isEmpty else { return value }
        guard pointer.hasPrefix("/") else { return nil }
        var current = value
        for raw in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            let token = raw.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            switch current {
            case .object(let members):
                guard let next = members[token] else { return nil }
                current = next
            case .array(let elements):
                guard token.allSatisfy({ $0.isASCII && $0.isNumber }), token.count <= 9, let index = Int(token),
                      token == "0" || !token.hasPrefix("0"), elements.indices.contains(index) else { return nil }
                current = elements[index]
            default:
                return nil
            }
        }
        return current
    }

    /// Whether `pointer` is well formed (empty, or starting with `/`, with `~` only as `~0`/`~1`).
    static func isValid(_ pointer: String) -> Bool {
        guard pointer.isEmpty || pointer.hasPrefix("/") else { return false }
        let chars = Array(pointer)
        for (index, char) in chars.enumerated() where char == "~" {
            guard index + 1 < chars.count, chars[index + 1] == "0" || chars[index + 1] == "1" else { return false }
        }
        return true
    }
}
