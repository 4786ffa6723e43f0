import Foundation

/// What `POST /hooks/{name}` answers: a status and a JSON body. Only a `202` (or a `200` for
/// a repeat) means the delivery is durably recorded with its instance or event.
public struct HookAnswer: Sendable, Equatable {
    public var status: Int
    /// A JSON object.
    public var body: Data

    public init(status: Int, body: Data) {
        self.status = status
        self.body = body
    }

    static func json(_ status: Int, _ object: [String: Any]) -> HookAnswer {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return HookAnswer(status: status, body: data)
    }

    static func error(_ status: Int, _ code: String, _ message: String) -> HookAnswer {
        json(status, ["error": ["code": code, "message": message]])
    }

    var text: String { String(decoding: body, as: UTF8.self) }
}
