import Foundation

extension AnyWorkflow {
    /// Checks that `json` decodes as the wrapped workflow's `Params`, the way the engine
    /// decodes an instance's params, so params fixed ahead of time (a schedule's, say) are
    /// refused when the config is checked instead of failing every instance later.
    ///
    /// Throws a ``WorkflowError`` (`params_not_decodable`) naming the `Params` type and the
    /// key that does not fit.
    ///
    /// ```swift
    /// try workflow.checkParams(Data(#"{"name": "nightly"}"#.utf8))
    /// ```
    public func checkParams(_ json: Data) throws {
        try Self.decodeParams(json, as: base)
    }

    /// Opens the existential so `W.Params` is known.
    private static func decodeParams<W: Workflow>(_ json: Data, as workflow: W) throws {
        do {
            _ = try StoredJSONDecoder.decode(W.Params.self, from: json.isEmpty ? Data("null".utf8) : json)
        } catch {
            throw WorkflowError(.paramsNotDecodable, "the params do not fit \(W.self).Params: \(explain(error)).")
        }
    }

    /// A decoding failure in words, with the dotted path of the key (`limits.max`, `tags[1]`).
    static func explain(_ error: any Error) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            var text = ""
            for key in codingPath {
                if let index = key.intValue { text += "[\(index)]" } else { text += text.isEmpty ? key.stringValue : ".\(key.stringValue)" }
            }
            return text
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?:
            return "the key '\(path(context.codingPath + [key]))' is required but missing"
        case .typeMismatch(let type, let context)?:
            let at = path(context.codingPath)
            return "\(at.isEmpty ? "the params" : "'\(at)'") should be \(readable(type))"
        case .valueNotFound(let type, let context)?:
            return "'\(path(context.codingPath))' is null but should be \(readable(type))"
        case .dataCorrupted(let context)?:
            let at = path(context.codingPath)
            return "\(at.isEmpty ? "the params are" : "'\(at)' is") not valid: \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }

    private static func readable(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "true or false"
        case is [String: Any].Type: "an object (a table)"
        case is [Any].Type: "an array"
        default: "\(type)"
        }
    }
}
