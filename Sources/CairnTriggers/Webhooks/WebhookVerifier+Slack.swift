extension WebhookVerifier {
    /// Slack: `X-Slack-Signature: v0=<hex>` over `"v0:{X-Slack-Request-Timestamp}:{body}"`.
    /// The delivery ID is the body's `event_id` (Events API); slash commands and other form
    /// posts have none.
    func verifySlack(_ request: WebhookRequest) throws(WebhookRefusal) -> VerifiedDelivery {
        let name = "X-Slack-Signature", timestampName = "X-Slack-Request-Timestamp"
        let header = try request.requiredHeader(name)
        let timestamp = try request.requiredHeader(timestampName)
        let seconds = try Self.unixSeconds(timestamp[...], header: timestampName)
        guard let hex = Self.dropPrefix("v0=", from: header) else {
            throw SignatureText.malformed(name, "expected v0=<64 hex digits>")
        }
        let signature = try SignatureText.hex(hex, header: name)
        let index = try requireMatch(Self.signed("v0:\(timestamp):", request.body), [signature])
        let sent = try checkTolerance(seconds, receivedAt: request.receivedAt)
        return VerifiedDelivery(deliveryID: Self.jsonField("event_id", in: request.body), timestamp: sent, secretIndex: index)
    }
}
