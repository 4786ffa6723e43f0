import Cairn
import Foundation

/// One string of a pipeline that may hold `{{ path | filter }}` expressions.
///
/// - A string that is exactly one expression keeps the JSON type of its value:
///   `"{{ steps.fetch.output.body.items }}"` is an array.
/// - An expression inside other text is rendered as text (strings as they are, other values
///   as JSON): `"Hello {{ params.name }}!"`.
/// - Paths start at `params`, `event` (`payload`, `timestamp`, `instance_id`, `workflow`),
///   `steps.<name>.output` or `secrets.<name>`; dotted keys, `[0]` and `["key with spaces"]`.
/// - Filters: `default(<JSON literal>)` when the value is missing or null, `json` (the
///   value's JSON text), `urlencode` (percent-encoded text).
/// - In an action's `html` argument, substituted text is HTML-escaped (`<` → `&lt;`, and
///   `>`, `&`, `"`, `'`); `{{{ path }}}` substitutes it as it is.
/// - `\{{` writes a literal `{{`. Rendering is single-pass: text that came from a value is
///   never scanned again, so a payload holding `{{ … }}` stays literal.
///
/// ```swift
/// let template = try Template.parse("{{ params.user.email | default(\"nobody@example.com\") }}")
/// let value = try template.render(in: scope)
/// ```
public struct Template: Sendable, Equatable {
    enum Part: Sendable, Equatable {
        case text(String)
        case expression(Expression)
    }

    struct Expression: Sendable, Equatable {
        var path: TemplatePath
        var filters: [Filter]
        /// Written `{{{ … }}}`: never HTML-escaped.
        var raw = false
    }

    enum Filter: Sendable, Equatable {
        case fallback(JSONValue)
        case json
        case urlencode
    }

    let parts: [Part]
    /// Whether substituted values are HTML-escaped (an `html` argument), except `{{{ raw }}}`.
    var escapesHTML = false

    /// Whether the text holds no expression (it renders as itself).
    public var isLiteral: Bool { !parts.contains { if case .expression = $0 { true } else { false } } }

    /// Every path the template reads.
    public var paths: [TemplatePath] {
        parts.compactMap { if case .expression(let expression) = $0 { expression.path } else { nil } }
    }

    /// Parses `text`; throws with the column of the first mistake. `html`: substitutions are
    /// HTML-escaped unless written `{{{ … }}}`.
    public static func parse(_ text: String, html: Bool = false) throws(TemplateError) -> Template {
        var parts: [Part] = []
        var literal = ""
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            if scalars[index] == "\\", index + 2 < scalars.count, scalars[index + 1] == "{", scalars[index + 2] == "{" {
                literal += "{{"
                index += 3
                continue
            }
            if scalars[index] == "{", index + 1 < scalars.count, scalars[index + 1] == "{" {
                let start = index
                let raw = index + 2 < scalars.count && scalars[index + 2] == "{"
                let width = raw ? 3 : 2
                var end: Int?
                var cursor = index + width
                var quoted = false
                while cursor + width - 1 < scalars.count {
                    if scalars[cursor] == "\"" { quoted.toggle() }
                    if !quoted, scalars[cursor..<(cursor + width)].allSatisfy({ $0 == "}" }) { end = cursor; break }
                    cursor += 1
                }
                guard let end else {
                    throw TemplateError(raw ? "'{{{' is never closed with '}}}'." : "'{{' is never closed with '}}' (write \\{{ for a literal {{).", column: start + 1)
                }
                if !literal.isEmpty { parts.append(.text(literal)) }
                literal = ""
                var parser = ExpressionParser(scalars: Array(scalars[(start + width)..<end]), offset: start + width)
                var expression = try parser.parse()
                expression.raw = raw
                parts.append(.expression(expression))
                index = end + width
                continue
            }
            literal.unicodeScalars.append(scalars[index])
            index += 1
        }
        if !literal.isEmpty || parts.isEmpty { parts.append(.text(literal)) }
        return Template(parts: parts, escapesHTML: html)
    }

    /// The value: the typed value for a string that is exactly one expression, else text.
    /// Throws naming the path when a value is missing and has no `default`.
    public func render(in scope: TemplateScope) throws(TemplateError) -> JSONValue {
        if parts.count == 1, case .expression(let expression) = parts[0], !escapesHTML {
            return try Self.evaluate(expression, in: scope)
        }
        var text = ""
        for part in parts {
            switch part {
            case .text(let literal): text += literal
            case .expression(let expression):
                let value = Self.text(of: try Self.evaluate(expression, in: scope))
                text += escapesHTML && !expression.raw ? Self.htmlEscaped(value) : value
            }
        }
        return .string(text)
    }

    static func evaluate(_ expression: Expression, in scope: TemplateScope) throws(TemplateError) -> JSONValue {
        var value = scope.lookup(expression.path)
        for filter in expression.filters {
            switch filter {
            case .fallback(let fallback):
                if value == nil || value == .null { value = fallback }
            case .json:
                guard let current = value else { break }
                value = .string(String(decoding: current.jsonData(), as: UTF8.self))
            case .urlencode:
                guard let current = value else { break }
                var allowed = CharacterSet.alphanumerics
                allowed.insert(charactersIn: "-._~")
                let raw = text(of: current)
                value = .string(raw.addingPercentEncoding(withAllowedCharacters: allowed) ?? raw)
            }
        }
        guard let value else {
            throw TemplateError("\(expression.path) is missing. Check the name, or add | default(…) for an optional value.")
        }
        return value
    }

    /// `text` safe inside HTML elements and quoted attributes.
    static func htmlEscaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A value as text: strings as they are, other values as JSON.
    static func text(of value: JSONValue) -> String {
        if case .string(let text) = value { return text }
        if case .null = value { return "" }
        return String(decoding: value.jsonData(), as: UTF8.self)
    }
}
