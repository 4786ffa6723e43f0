import Cairn
import Foundation

extension HTTP {
    /// What `HTTP.fetch` returns: the final response after redirects.
    public struct Response: Sendable {
        public var status: Int
        /// Header names lower-cased; a repeated header's values joined with ", ".
        public var headers: [String: String]
        public var body: Data

        public init(status: Int, headers: [String: String], body: Data) {
            self.status = status
            self.headers = headers
            self.body = body
        }

        /// The body decoded as `T` from JSON; a body that is not that JSON fails for good (a
        /// retry would get the same).
        public func json<T: Decodable>(as type: T.Type = T.self) throws -> T {
            do {
                return try JSONDecoder().decode(T.self, from: body)
            } catch {
                throw NonRetryableError("The response (HTTP \(status), \(body.count) bytes) is not the JSON \(T.self) expects: \(error). Check the endpoint.")
            }
        }

        /// The body as UTF-8 text, `nil` when it is not.
        public var text: String? { String(validating: body, as: UTF8.self) }

        /// Whether the content type says JSON (`application/json` or `…+json`).
        public var isJSON: Bool {
            let type = headers["content-type"]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            return type == "application/json" || type.hasSuffix("+json")
        }

        /// `{status, headers, body}` as pipelines see it: the body parsed for a JSON content type,
        /// else text, else base64 with `"binary": true`.
        public var jsonValue: JSONValue {
            var object: [String: JSONValue] = ["status": .int(Int64(status)), "headers": .object(headers.mapValues { .string($0) })]
            if isJSON, let parsed = try? JSONValue(json: body) {
                object["body"] = parsed
            } else if let text {
                object["body"] = .string(text)
            } else {
                object["body"] = .string(body.base64EncodedString())
                object["binary"] = true
            }
            return .object(object)
        }
    }
}
