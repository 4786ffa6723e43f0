import Cairn

extension Email {
    /// What the relay said to a sent message.
    public struct Receipt: Sendable, Equatable {
        /// The Message-ID the message was sent with.
        public var messageID: String
        /// The relay's reply to the message (`250`, `2.0.0 Ok: queued as 4F2A`).
        public var code: Int
        public var reply: String
        /// Envelope recipients the relay took.
        public var accepted: [String]
        /// Recipients it refused while taking others.
        public var refused: [Refusal]
        /// Whether an earlier attempt may have delivered this message too (it was sent again
        /// with the same Message-ID).
        public var uncertain: Bool

        /// The step output: `{message_id, code, reply, accepted, refused, uncertain}`.
        public var jsonValue: JSONValue {
            [
                "message_id": .string(messageID), "code": .int(Int64(code)), "reply": .string(reply),
                "accepted": .array(accepted.map { .string($0) }),
                "refused": .array(refused.map { ["address": .string($0.address), "code": .int(Int64($0.code)), "reply": .string($0.reply)] }),
                "uncertain": .bool(uncertain),
            ]
        }
    }
}
