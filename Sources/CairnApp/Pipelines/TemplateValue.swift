import Cairn

/// A JSON value whose strings may hold templates (a step's `with` arguments, a pipeline's
/// `output`): substitution is structural, so each string is rendered on its own and a
/// rendered value is never parsed again.
public indirect enum TemplateValue: Sendable, Equatable {
    case literal(JSONValue)
    case template(Template)
    case array([TemplateValue])
    case object([String: TemplateValue])

    /// Parses every string in `json`; a mistake names the key path and the column.
    public static func parse(_ json: JSONValue, at path: String = "") throws(TemplateError) -> TemplateValue {
        switch json {
        case .string(let text):
            do {
                let template = try Template.parse(text)
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
            for (key, member) in members { parsed[key] = try parse(member, at: path.isEmpty ? key : "\(path).\(key)") }
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
