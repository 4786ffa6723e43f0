extension WebhookVerifier {
    /// GitHub: `X-Hub-Signature-256: sha256=<hex>` over the raw body. No timestamp, so
    /// replays are stopped only by deduplicating on `X-GitHub-Delivery`.
    func verifyGitHub(_ request: WebhookRequest) throws(WebhookRefusal) -> VerifiedDelivery {
        let name = "X-Hub-Signature-256"
        guard let header = try request.header(name), !header.isEmpty else {
            if try request.header("X-Hub-Signature") != nil {
                throw WebhookRefusal(.missingHeader, "missing header \(name) (the legacy SHA-1 X-Hub-Signature is not accepted)")
            }
            throw WebhookRefusal(.missingHeader, "missing header \(name)")
        }
        guard let hex = Self.dropPrefix("sha256=", from: header) else {
            throw SignatureText.malformed(name, "expected sha256=<64 hex digits>")
        }
        let index = try requireMatch(request.body, [try SignatureText.hex(hex, header: name)])
        return VerifiedDelivery(deliveryID: try Self.optionalHeader("X-GitHub-Delivery", in: request),
                                timestamp: nil, secretIndex: index)
    }
}
