import Cairn

/// A JSON value whose strings may hold templates (a step's `with` arguments, a pipeline's
/// `output`): substitution is structural, so each string is rendered on its own and a
/// rendered value is never parsed again.
public indirect enum TemplateValue: Sendable, Equatable {
    case literal(JSONValue)
    case template(Template)
    case array([TemplateValue])
    case object([String: TemplateValue])

    /// Parses every string in `json`; a mistake names the key path and the column. Top-level
    /// keys in `htmlKeys` hold HTML: their substitutions are escaped unless `{{{ raw }}}`.
    public static func parse(_ json: JSONValue, htmlKeys: Set<String>) throws(TemplateError) -> TemplateValue {
        guard case .object(let members) = json else { return try parse(json) }
        var parsed: [String: TemplateValue] = [:]
        for (key, member) in members { parsed[key] = try parse(member, at: key, html: htmlKeys.contains(key)) }
        return .object(parsed)
    }

    /// Parses every string in `json`; a mistake names the key path and the column.
    public static func parse(_ json: JSONValue, at path: String = "", html: Bool = false) throws(TemplateError) -> TemplateValue {
        switch json {
        case .string(let text):
            do {
                let template = try Template.parse(text, html: html)
                return template.isLiteral ? .literal(.string(template.literalText)) : .template(template)
            } catch {
                throw TemplateError(path.isEmpty ? error.message : "\(path): \(error.message)", column: error.column)
            }
        case .array(let elements):
            var parsed: [TemplateValue] = []
            for (index, element) in elements.enumerated() { parsed.append(try parse(element, at: "\(path)[\(index)]")) }
            return .array(parsed)
        case .object(let members):
            var parsed: [String: TemplateValue] = [:]
            for (key, member) in members { parsed[key] = try parse(member, at: path.isEmpty ? key : "\(path).\(key)", html: html) }
            return .object(parsed)
        default:
            return .literal(json)
        }
    }

    /// The value with every template rendered in `scope`.
    public func render(in scope: TemplateScope) throws(TemplateError) -> JSONValue {
        switch self {
        case .literal(let value): return value
        case .template(let template): return try template.render(in: scope)
        case .array(let elements):
            var rendered: [JSONValue] = []
            for element in elements { rendered.append(try element.render(in: scope)) }
            return .array(rendered)
        case .object(let members):
            var rendered: [String: JSONValue] = [:]
            for (key, member) in members { rendered[key] = try member.render(in: scope) }
            return .object(rendered)
        }
    }

    /// The value itself when it holds no template anywhere (checkable before it runs).
    public var literalValue: JSONValue? {
        switch self {
        case .literal(let value): return value
        case .template: return nil
        case .array(let elements):
            var values: [JSONValue] = []
            for element in elements {
                guard let value = element.literalValue else { return nil }
                values.append(value)
            }
            return .array(values)
        case .object(let members):
            var values: [String: JSONValue] = [:]
            for (key, member) in members {
                guard let value = member.literalValue else { return nil }
                values[key] = value
            }
            return .object(values)
        }
    }

    /// For checking before a run: the value with each template rendered against stand-ins
    /// (`x` for every expression), and the top-level keys whose value only a run can know (a
    /// template that starts with an expression: its type, or its scheme, is the value's).
    public func probe() -> (value: JSONValue, templated: Set<String>) {
        guard case .object(let members) = self else { return (probeValue(), literalValue == nil ? ["*"] : []) }
        var values: [String: JSONValue] = [:]
        var templated: Set<String> = []
        for (key, member) in members {
            if case .template(let template) = member, case .expression? = template.parts.first { templated.insert(key) }
            values[key] = member.probeValue()
        }
        return (.object(values), templated)
    }

    /// The keys of an object whose values are not literal (hold a template somewhere).
    public var nonLiteralKeys: Set<String> {
        guard case .object(let members) = self else { return literalValue == nil ? ["*"] : [] }
        return Set(members.filter { $0.value.literalValue == nil }.keys)
    }

    private func probeValue() -> JSONValue {
        switch self {
        case .literal(let value): value
        case .template(let template): .string(template.parts.map { if case .text(let text) = $0 { text } else { "x" } }.joined())
        case .array(let elements): .array(elements.map { $0.probeValue() })
        case .object(let members): .object(members.mapValues { $0.probeValue() })
        }
    }

    /// Every path read anywhere in the value, with the key path it sits at (for checks).
    public func paths(at prefix: String = "") -> [(key: String, path: TemplatePath)] {
        switch self {
        case .literal: []
        case .template(let template): template.paths.map { (prefix, $0) }
        case .array(let elements): elements.enumerated().flatMap { $1.paths(at: "\(prefix)[\($0)]") }
        case .object(let members): members.sorted { $0.key < $1.key }.flatMap { $1.paths(at: prefix.isEmpty ? $0 : "\(prefix).\($0)") }
        }
    }
}

extension Template {
    /// The text of a template without expressions (escapes resolved).
    var literalText: String {
        parts.map { if case .text(let text) = $0 { text } else { "" } }.joined()
    }
}
