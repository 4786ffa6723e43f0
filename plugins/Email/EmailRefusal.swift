extension Email {
    /// A recipient the relay refused, with its reply.
    public struct Refusal: Sendable, Equatable {
        public var address: String
        /// The relay's reply code (`550`) and text to this recipient's RCPT.
        public var code: Int
        public var reply: String
    }
}
