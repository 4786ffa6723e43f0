extension WebhookVerifier {
    /// `hmac-sha256`: the configured header, prefix and encoding, over the configured template.
    func verifyCustom(_ request: WebhookRequest) throws(WebhookRefusal) -> VerifiedDelivery {
        // init guarantees both for this scheme; refuse rather than trap if that ever changes.
        guard let custom, let template else {
            throw WebhookRefusal(.signatureMismatch, "signature mismatch (the hook has no signature settings)")
        }
        let name = custom.signatureHeader
        let header = try request.requiredHeader(name)
        guard let encoded = Self.dropPrefix(custom.prefix, from: header) else {
            throw SignatureText.malformed(name, "expected \(custom.prefix)<\(custom.encoding.rawValue) signature>")
        }
        let signature = switch custom.encoding {
        case .hex: try SignatureText.hex(encoded, header: name)
        case .base64: try SignatureText.base64(encoded, header: name)
        }
        var timestamp: (text: String, seconds: Int64)?
        if let timestampName = custom.timestampHeader {
            let text = try request.requiredHeader(timestampName)
            timestamp = (text, try Self.unixSeconds(text[...], header: timestampName))
        }
        var id: String?
        if let idName = custom.idHeader {
            // A signed ID must be present; an unsigned one merely identifies the delivery.
            id = template.segments.contains(.id) ? try request.requiredHeader(idName) : try Self.optionalHeader(idName, in: request)
        }
        let message = template.render(body: request.body, timestamp: timestamp?.text, id: id)
        let index = try requireMatch(message, [signature])
        let sent = try timestamp.map { (_, seconds) throws(WebhookRefusal) in try checkTolerance(seconds, receivedAt: request.receivedAt) }
        return VerifiedDelivery(deliveryID: id, timestamp: sent, secretIndex: index)
    }
}
