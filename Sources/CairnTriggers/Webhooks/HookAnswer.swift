import Cairn
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

    /// An object of string members, plus `"duplicate": true` for a repeat.
    static func json(_ status: Int, _ members: [(key: String, value: String)], duplicate: Bool = false) -> HookAnswer {
        var text = JSONText.object(members)
        if duplicate { text = "{\"duplicate\":true" + (members.isEmpty ? "}" : "," + text.dropFirst()) }
        return HookAnswer(status: status, body: Data(text.utf8))
    }

    /// The API's error envelope, `{"error":{"code":…,"message":…}}`.
    static func error(_ status: Int, _ code: String, _ message: String) -> HookAnswer {
        HookAnswer(status: status, body: Data("{\"error\":\(JSONText.object([("code", code), ("message", message)]))}".utf8))
    }

    var text: String { String(decoding: body, as: UTF8.self) }
}
