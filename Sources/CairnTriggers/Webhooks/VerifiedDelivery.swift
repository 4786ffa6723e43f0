import Foundation

/// What a verified delivery proves: who signed it (which secret), which delivery it is, and
/// when the sender says it was sent.
public struct VerifiedDelivery: Sendable, Equatable {
    /// The sender's delivery ID, the idempotency key: GitHub's `X-GitHub-Delivery`, Standard
    /// Webhooks' `webhook-id`, Shopify's `X-Shopify-Webhook-Id`, the configured `id_header`,
    /// or the `id` (Stripe) / `event_id` (Slack) of the JSON body. `nil` when the delivery
    /// carries none.
    ///
    /// For GitHub, Shopify and a custom `id_header` that is not in the signed template the
    /// header is not covered by the signature: it identifies the delivery, it does not
    /// authenticate it.
    public var deliveryID: String?
    /// The signed timestamp, for schemes that have one.
    public var timestamp: Date?
    /// The position in the configured secrets of the one that matched, to record which key
    /// verified the delivery and to see when an old secret stops being used.
    public var secretIndex: Int

    /// A delivery identified by `deliveryID`, sent at `timestamp`, verified by secret number
    /// `secretIndex`.
    public init(deliveryID: String?, timestamp: Date?, secretIndex: Int) {
        self.deliveryID = deliveryID
        self.timestamp = timestamp
        self.secretIndex = secretIndex
    }
}
