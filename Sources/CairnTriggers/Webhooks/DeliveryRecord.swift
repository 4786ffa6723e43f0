import CairnStore
import Foundation

/// One delivery as the ledger keeps it.
public struct DeliveryRecord: Sendable, Hashable {
    /// What the delivery did.
    public enum Outcome: String, Sendable, Hashable {
        /// Created its instance.
        case created
        /// Sent its event.
        case eventSent = "event_sent"
        /// Verified, but its action failed (instance not found, finished, params refused):
        /// a dead letter, replayable.
        case failed
    }

    /// The ledger's sequence number (the delivery's handle for replay).
    public var seq: Int64 = 0
    public var hook: String
    /// The sender's delivery ID, if any.
    public var deliveryID: String?
    public var receivedAt: Date
    public var outcome: Outcome
    /// Why the action failed, for dead letters.
    public var detail: String?
    public var workflow: String
    /// The instance created, or the one the event went to.
    public var instance: String?
    public var eventType: String?
    /// The HTTP status Cairn answered, and the JSON body.
    public var status: Int
    public var answer: String
    /// The raw body, exactly as received.
    public var body: Data
    /// The headers the scheme and the action use, as a JSON object (never `Authorization`).
    public var headersJSON: String
    /// Which configured secret verified it.
    public var secretIndex: Int?
    /// For a replay: the delivery it replays.
    public var replayOf: Int64?
    /// How many times the sender tried a delivery that stayed a dead letter; 1 otherwise.
    public var attempts = 1

    public init(hook: String, deliveryID: String?, receivedAt: Date, outcome: Outcome, detail: String? = nil, workflow: String,
                instance: String?, eventType: String? = nil, status: Int, answer: String, body: Data, headersJSON: String,
                secretIndex: Int?, replayOf: Int64? = nil) {
        self.hook = hook
        self.deliveryID = deliveryID
        self.receivedAt = receivedAt
        self.outcome = outcome
        self.detail = detail
        self.workflow = workflow
        self.instance = instance
        self.eventType = eventType
        self.status = status
        self.answer = answer
        self.body = body
        self.headersJSON = headersJSON
        self.secretIndex = secretIndex
        self.replayOf = replayOf
    }

    init(_ row: SQLRow) {
        seq = row["seq"].integer ?? 0
        hook = row["hook"].text ?? ""
        deliveryID = row["delivery"].text
        receivedAt = row.time("received_at") ?? Date(timeIntervalSince1970: 0)
        outcome = Outcome(rawValue: row["outcome"].text ?? "") ?? .failed
        detail = row["detail"].text
        workflow = row["workflow"].text ?? ""
        instance = row["instance"].text
        eventType = row["event_type"].text
        status = Int(row["status"].integer ?? 0)
        answer = row["answer"].text ?? ""
        body = row["body"].blob ?? Data()
        headersJSON = row["headers"].text ?? "{}"
        secretIndex = row["secret_index"].integer.map { Int($0) }
        replayOf = row["replay_of"].integer
        attempts = Int(row["attempts"].integer ?? 1)
    }
}
