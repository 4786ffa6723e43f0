import Cairn
import Foundation

/// A verified delivery's body as an action uses it: the parsed JSON for a JSON content type
/// (or a body that parses as JSON when none is given), otherwise the text under `"body"`.
struct HookPayload: Sendable {
    let json: JSONValue?
    let value: JSONValue

    /// What is wrong with a body an action cannot use: empty, not the JSON its content type
    /// declares, or not UTF-8 text.
    struct Refusal: Error {
        var message: String
    }

    init(body: Data, contentType: String?) throws(Refusal) {
        guard !body.isEmpty else { throw Refusal(message: "The delivery has an empty body; there is nothing to act on.") }
        // The media type is what comes before any parameters; none when that is blank.
        let mediaType = contentType.flatMap { type in
            WebhookRequest.trimmed(type[..<(type.firstIndex(of: ";") ?? type.endIndex)]).lowercased().nonBlank
        }
        let declaredJSON = mediaType == "application/json" || mediaType?.hasSuffix("+json") == true
        if let parsed = try? JSONValue(json: body), declaredJSON || mediaType == nil {
            json = parsed
            value = parsed
            return
        }
        if declaredJSON {
            throw Refusal(message: "The body is declared as \(mediaType ?? "JSON") but is not valid JSON (or nests too deeply, or holds a number JSON cannot carry).")
        }
        guard let text = String(validating: body, as: UTF8.self), !text.contains("\u{0}") else {
            throw Refusal(message: "The body is not UTF-8 text (or contains NUL); send JSON or text.")
        }
        json = nil
        value = ["body": .string(text)]
    }
}

private extension String {
    var nonBlank: String? { isEmpty ? nil : self }
}
