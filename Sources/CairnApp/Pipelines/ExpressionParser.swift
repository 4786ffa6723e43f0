import Cairn
import Foundation

/// Parses the inside of one `{{ … }}`: a path, then `| filter` clauses.
struct ExpressionParser {
    let scalars: [Unicode.Scalar]
    /// Where `scalars` starts in the template text (0-based), for columns.
    let offset: Int
    private var index = 0

    init(scalars: [Unicode.Scalar], offset: Int) {
        self.scalars = scalars
        self.offset = offset
    }

    private func error(_ message: String) -> TemplateError { TemplateError(message, column: offset + index + 1) }

    mutating func parse() throws(TemplateError) -> Template.Expression {
        skipSpaces()
        let path = try parsePath()
        var filters: [Template.Filter] = []
        skipSpaces()
        while index < scalars.count {
            guard scalars[index] == "|" else { throw error("expected '|' and a filter or '}}' after \(path).") }
            index += 1
            skipSpaces()
            filters.append(try parseFilter())
            skipSpaces()
        }
        return Template.Expression(path: path, filters: filters)
    }

    private mutating func skipSpaces() {
        while index < scalars.count, scalars[index] == " " || scalars[index] == "\t" { index += 1 }
    }

    private mutating func identifier() -> String {
        var name = ""
        while index < scalars.count, Self.isNameScalar(scalars[index]) {
            name.unicodeScalars.append(scalars[index])
            index += 1
        }
        return name
    }

    static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        CharacterSet.alphanumerics.contains(scalar) || scalar == "_" || scalar == "-"
    }

    private mutating func parsePath() throws(TemplateError) -> TemplatePath {
        let start = index
        let root = identifier()
        guard !root.isEmpty else { throw error("expected a path such as params.name or steps.fetch.output.") }
        guard TemplatePath.roots.contains(root) else {
            throw error("'\(root)' is not where a path can start; use params, event, steps.<name>.output or secrets.<name>.")
        }
        var components: [TemplatePath.Component] = []
        while index < scalars.count {
            if scalars[index] == "." {
                index += 1
                let key = identifier()
                guard !key.isEmpty else { throw error("expected a key after '.'.") }
                components.append(.key(key))
            } else if scalars[index] == "[" {
                index += 1
                if index < scalars.count, scalars[index] == "\"" {
                    components.append(.key(try quoted()))
                } else {
                    var digits = ""
                    while index < scalars.count, ("0"..."9").contains(scalars[index]) {
                        digits.unicodeScalars.append(scalars[index])
                        index += 1
                    }
                    guard let number = Int(digits) else { throw error("expected a number or a \"quoted key\" inside [ ].") }
                    components.append(.index(number))
                }
                guard index < scalars.count, scalars[index] == "]" else { throw error("expected ']'.") }
                index += 1
            } else {
                break
            }
        }
        let path = TemplatePath(root: root, components: components)
        // Shape mistakes point at the path's start.
        func shapeError(_ message: String) -> TemplateError { TemplateError(message, column: offset + start + 1) }
        if root == "steps" {
            // steps.<name>.output…, or steps.<name>.<key> as short for steps.<name>.output.<key>.
            guard components.count >= 2, case .key = components[0] else {
                throw shapeError("a step's value is read as steps.<name>.output (then keys below it).")
            }
        }
        if root == "secrets" {
            guard components.count == 1, case .key = components[0] else { throw shapeError("a secret is read as secrets.<name>, with nothing below it.") }
        }
        if root == "event" {
            let fields = ["payload", "timestamp", "instance_id", "workflow"]
            guard case .key(let field)? = components.first, fields.contains(field) else {
                throw shapeError("event has \(fields.joined(separator: ", ")); write e.g. event.payload.")
            }
        }
        return path
    }

    private mutating func quoted() throws(TemplateError) -> String {
        index += 1       // the opening quote
        var text = ""
        while index < scalars.count, scalars[index] != "\"" {
            if scalars[index] == "\\", index + 1 < scalars.count { index += 1 }
            text.unicodeScalars.append(scalars[index])
            index += 1
        }
        guard index < scalars.count else { throw error("a quoted string is never closed.") }
        index += 1
        return text
    }

    private mutating func parseFilter() throws(TemplateError) -> Template.Filter {
        let name = identifier()
        switch name {
        case "json": return .json
        case "urlencode": return .urlencode
        case "default":
            skipSpaces()
            guard index < scalars.count, scalars[index] == "(" else { throw error("default takes a value: default(\"text\"), default(0) or default(null).") }
            index += 1
            let start = index
            var quotedText = false
            while index < scalars.count, quotedText || scalars[index] != ")" {
                if scalars[index] == "\"" { quotedText.toggle() }
                if scalars[index] == "\\", quotedText { index += 1 }
                index += 1
            }
            guard index < scalars.count else { throw error("default( is never closed with ')'.") }
            let literal = String(String.UnicodeScalarView(scalars[start..<index])).trimmingCharacters(in: .whitespaces)
            index += 1
            guard let value = try? JSONValue(json: Data(literal.utf8)) else {
                throw TemplateError("default(\(literal)) needs a JSON value: a \"quoted string\", a number, true, false or null.", column: offset + start + 1)
            }
            return .fallback(value)
        case "":
            throw error("expected a filter name after '|': default(…), json or urlencode.")
        default:
            throw error("'\(name)' is not a filter; use default(…), json or urlencode.")
        }
    }
}
