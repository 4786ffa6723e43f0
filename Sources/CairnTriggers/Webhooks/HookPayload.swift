import Cairn
import Foundation

/// A verified delivery's body as an action uses it: the parsed JSON for a JSON content type
/// (or a body that parses as JSON when none is given), otherwise the text under `"body"`.
struct HookPayload: Sendable {
    let json: JSONValue?
    let value: JSONValue

    init(body: Data, contentType: String?) {
        let mediaType = contentType?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let wantsJSON = mediaType == nil || mediaType == "application/json" || mediaType?.hasSuffix("+json") == true
        if wantsJSON, !body.isEmpty, let parsed = try? JSONValue(json: body) {
            json = parsed
            value = parsed
        } else {
            json = nil
            value = ["body": .string(String(decoding: body, as: UTF8.self))]
        }
    }
}
