/// A glob on a file name: `*` (any run of bytes), `?` (one character), `[abc]`, `[a-z]`,
/// `[!x]` (a class, negated with `!` or `^`), `{csv,tsv}` (alternatives, not nested) and `\`
/// to take the next character literally. Matched against the whole name; `*` and `?` match
/// a leading dot too, but dotfiles are ignored before any pattern applies.
///
/// ```swift
/// let glob = try FileGlob("*.{csv,tsv}")
/// glob.matches(FileName("orders.csv"))   // true
/// ```
public struct FileGlob: Sendable, Equatable, CustomStringConvertible {
    enum Token: Equatable, Sendable {
        case literal(Unicode.Scalar)
        case any
        case one
        case set([ClosedRange<Unicode.Scalar>], negated: Bool)
    }

    /// The pattern as written.
    public let source: String
    /// One token list per alternative.
    let alternatives: [[Token]]

    /// Parses `source`; throws `invalid_drop` naming what is wrong (an unclosed `[` or `{`,
    /// a nested `{`, a trailing `\`, a `/`).
    public init(_ source: String) throws(TriggerError) {
        func invalid(_ why: String) -> TriggerError {
            TriggerError(.invalidDrop, "pattern = \"\(source)\" is not a valid glob: \(why). Write e.g. \"*.csv\", \"report-??.txt\" or \"*.{csv,tsv}\".")
        }
        guard !source.isEmpty else { throw invalid("it is empty") }
        guard !source.contains("/") else { throw invalid("it contains '/'; a pattern matches file names, not paths") }
        // Expand {a,b} (one level) into alternatives.
        var expansions = [""]
        var scalars = Array(source.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\\" {
                guard index + 1 < scalars.count else { throw invalid("it ends with a lone '\\'") }
                expansions = expansions.map { $0 + "\\" + String(scalars[index + 1]) }
                index += 2
                continue
            }
            if scalar == "{" {
                // The closing brace, skipping escaped characters.
                var cursor = index + 1
                var close: Int?
                while cursor < scalars.count {
                    if scalars[cursor] == "\\" { cursor += 2; continue }
                    if scalars[cursor] == "}" { close = cursor; break }
                    cursor += 1
                }
                guard let close else { throw invalid("a '{' is never closed") }
                let inner = String(String.UnicodeScalarView(scalars[(index + 1)..<close]))
                guard !inner.contains("{") else { throw invalid("'{' alternatives cannot be nested") }
                let options = inner.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                expansions = expansions.flatMap { prefix in options.map { prefix + $0 } }
                guard expansions.count <= 64 else { throw invalid("it expands to more than 64 alternatives") }
                index = close + 1
                continue
            }
            if scalar == "}" { throw invalid("a '}' has no '{'") }
            expansions = expansions.map { $0 + String(scalar) }
            index += 1
        }
        guard expansions.contains(where: { !$0.isEmpty }) else { throw invalid("it matches no name (every alternative is empty)") }
        scalars = []
        var alternatives: [[Token]] = []
        for expansion in expansions {
            alternatives.append(try Self.tokens(Array(expansion.unicodeScalars), invalid))
        }
        self.source = source
        self.alternatives = alternatives
    }

    private static func tokens(_ scalars: [Unicode.Scalar], _ invalid: (String) -> TriggerError) throws(TriggerError) -> [Token] {
        var tokens: [Token] = []
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "*":
                if tokens.last != .any { tokens.append(.any) }
                index += 1
            case "?":
                tokens.append(.one)
                index += 1
            case "\\":
                guard index + 1 < scalars.count else { throw invalid("it ends with a lone '\\'") }
                tokens.append(.literal(scalars[index + 1]))
                index += 2
            case "[":
                var cursor = index + 1
                var negated = false
                if cursor < scalars.count, scalars[cursor] == "!" || scalars[cursor] == "^" {
                    negated = true
                    cursor += 1
                }
                var ranges: [ClosedRange<Unicode.Scalar>] = []
                var first = true
                while cursor < scalars.count, scalars[cursor] != "]" || first {
                    first = false
                    let low = scalars[cursor]
                    if cursor + 2 < scalars.count, scalars[cursor + 1] == "-", scalars[cursor + 2] != "]" {
                        let high = scalars[cursor + 2]
                        guard low <= high else { throw invalid("the range \(low)-\(high) runs backwards") }
                        ranges.append(low...high)
                        cursor += 3
                    } else {
                        ranges.append(low...low)
                        cursor += 1
                    }
                }
                guard cursor < scalars.count else { throw invalid("a '[' is never closed") }
                tokens.append(.set(ranges, negated: negated))
                index = cursor + 1
            default:
                tokens.append(.literal(scalar))
                index += 1
            }
        }
        return tokens
    }

    /// Whether `name` matches the whole pattern. A name that is not UTF-8 is matched with
    /// each invalid byte as U+FFFD, so `*` and `?` still match it.
    public func matches(_ name: FileName) -> Bool {
        let scalars = Array(String(decoding: name.bytes, as: UTF8.self).unicodeScalars)
        return alternatives.contains { Self.match($0, scalars) }
    }

    /// Iterative wildcard matching with one backtrack point (linear in practice).
    private static func match(_ tokens: [Token], _ text: [Unicode.Scalar]) -> Bool {
        var t = 0, s = 0
        var star: Int?, starText = 0
        while s < text.count {
            if t < tokens.count {
                switch tokens[t] {
                case .any:
                    star = t
                    starText = s
                    t += 1
                    continue
                case .one:
                    t += 1; s += 1
                    continue
                case .literal(let scalar) where scalar == text[s]:
                    t += 1; s += 1
                    continue
                case .set(let ranges, let negated) where ranges.contains { $0.contains(text[s]) } != negated:
                    t += 1; s += 1
                    continue
                default:
                    break
                }
            }
            guard let star else { return false }
            t = star + 1
            starText += 1
            s = starText
        }
        while t < tokens.count, tokens[t] == .any { t += 1 }
        return t == tokens.count
    }

    public var description: String { source }
}
