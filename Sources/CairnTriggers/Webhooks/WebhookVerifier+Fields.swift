import Foundation

/// Reading what a delivery says about itself: header values and, once the signature holds,
/// the delivery ID in the body.
extension WebhookVerifier {
    /// A string field at the top level of a JSON body, read only after the signature holds;
    /// `nil` when the body is not a JSON object or the field is not a string.
    static func jsonField(_ name: String, in body: Data) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return nil }
        return object[name] as? String
    }

    /// `text` after `prefix`, compared byte for byte; `nil` when it does not start with it.
    static func dropPrefix(_ prefix: String, from text: String) -> Substring? {
        guard text.utf8.starts(with: prefix.utf8) else { return nil }
        // The prefix is whole UTF-8, so the index after it is a scalar boundary of `text`.
        return text[text.utf8.index(text.utf8.startIndex, offsetBy: prefix.utf8.count)...]
    }

    /// A delivery-ID header's value, or `nil` when absent or empty.
    static func optionalHeader(_ name: String, in request: WebhookRequest) throws(WebhookRefusal) -> String? {
        guard let value = try request.header(name), !value.isEmpty else { return nil }
        return value
    }
}
