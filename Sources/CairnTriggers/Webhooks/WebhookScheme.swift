/// How a webhook sender signs its deliveries: which headers carry the signature, the
/// timestamp and the delivery ID, what string is signed, and how the secret becomes a key.
///
/// The raw values are the names a hook's `scheme` is written with in the config.
public enum WebhookScheme: String, CaseIterable, Sendable {
    /// GitHub: `X-Hub-Signature-256: sha256=<hex>` over the body; no timestamp.
    case github
    /// Stripe: `Stripe-Signature: t=…,v1=<hex>` over `"{t}.{body}"`, keyed with the whole
    /// `whsec_…` string.
    case stripe
    /// Standard Webhooks: `webhook-signature: v1,<base64> …` over `"{id}.{timestamp}.{body}"`,
    /// keyed with the base64-decoded part of `whsec_…`.
    case standard
    /// Slack: `X-Slack-Signature: v0=<hex>` over `"v0:{timestamp}:{body}"`.
    case slack
    /// Shopify: `X-Shopify-Hmac-Sha256: <base64>` over the body; no timestamp.
    case shopify
    /// Any other sender that signs with HMAC-SHA256: header, prefix, encoding and signed
    /// string as configured (``WebhookVerifier/CustomHMAC``).
    case hmacSHA256 = "hmac-sha256"

    /// Whether the signature covers a timestamp that the tolerance applies to. For
    /// `hmac-sha256` that depends on the configuration.
    public var hasTimestamp: Bool? {
        switch self {
        case .github, .shopify: false
        case .stripe, .standard, .slack: true
        case .hmacSHA256: nil
        }
    }
}
