extension WebhookVerifier {
    /// Shopify: `X-Shopify-Hmac-Sha256: <base64>` over the raw body. No timestamp, so replays
    /// are stopped only by deduplicating on `X-Shopify-Webhook-Id`.
    func verifyShopify(_ request: WebhookRequest) throws(WebhookRefusal) -> VerifiedDelivery {
        let name = "X-Shopify-Hmac-Sha256"
        let header = try request.requiredHeader(name)
        let index = try requireMatch(request.body, [try SignatureText.base64(header[...], header: name)])
        return VerifiedDelivery(deliveryID: try Self.optionalHeader("X-Shopify-Webhook-Id", in: request),
                                timestamp: nil, secretIndex: index)
    }
}
