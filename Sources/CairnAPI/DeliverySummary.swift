import Foundation

/// A delivery in `GET /hooks/{name}/deliveries`: what arrived, what it did, what Cairn
/// answered. The body and headers are in the ledger; `body_bytes` gives the size.
public struct DeliverySummary: Codable, Sendable, Hashable {
    /// The ledger's sequence number (the handle for replay).
    public var seq: Int64
    public var deliveryId: String?
    public var receivedAt: String
    /// `created`, `event_sent` or `failed` (a dead letter).
    public var outcome: String
    public var detail: String?
    public var instanceId: String?
    public var eventType: String?
    /// The HTTP status answered.
    public var status: Int
    public var bodyBytes: Int
    public var replayOf: Int64?
    /// How many times the sender tried a delivery that stayed a dead letter (the latest
    /// attempt's time, status and detail are shown); 1 otherwise.
    public var attempts: Int

    public init(seq: Int64, deliveryId: String?, receivedAt: String, outcome: String, detail: String?, instanceId: String?,
                eventType: String?, status: Int, bodyBytes: Int, replayOf: Int64?, attempts: Int = 1) {
        self.seq = seq
        self.deliveryId = deliveryId
        self.receivedAt = receivedAt
        self.outcome = outcome
        self.detail = detail
        self.instanceId = instanceId
        self.eventType = eventType
        self.status = status
        self.bodyBytes = bodyBytes
        self.replayOf = replayOf
        self.attempts = attempts
    }

    enum CodingKeys: String, CodingKey {
        case seq, outcome, detail, status, attempts
        case deliveryId = "delivery_id"
        case receivedAt = "received_at"
        case instanceId = "instance_id"
        case eventType = "event_type"
        case bodyBytes = "body_bytes"
        case replayOf = "replay_of"
    }
}

/// A page of deliveries, newest first; pass `cursor` for the next page.
public struct DeliveryPage: Codable, Sendable, Hashable {
    public var deliveries: [DeliverySummary]
    public var cursor: String?
    public init(deliveries: [DeliverySummary], cursor: String?) {
        self.deliveries = deliveries
        self.cursor = cursor
    }
}
