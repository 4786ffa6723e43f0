/// An error from the store: a stable `code`, a message that says what failed and what to do.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let raw: String
        public init(_ raw: String) { self.raw = raw }
        public var description: String { raw }

        public static let notADatabase = Code("not_a_database")
        public static let readOnly = Code("read_only")
        public static let newerSchema = Code("newer_schema")
        public static let cannotOpen = Code("cannot_open")
        public static let durability = Code("durability")
        public static let duplicateInstanceID = Code("duplicate_instance_id")
        public static let instanceNotFound = Code("instance_not_found")
        public static let instanceFinished = Code("instance_finished")
        public static let superseded = Code("superseded")
        public static let invalidTransition = Code("invalid_transition")
        public static let io = Code("io")
        public static let closed = Code("closed")
        /// A failed rollback left the writer in an unknown state; restart to recover.
        public static let poisoned = Code("poisoned")
        /// A feature's write refused (its own error is the cause).
        public static let rejected = Code("rejected")
        /// An instance holds as many buffered events as allowed.
        public static let tooManyEvents = Code("too_many_events")
        /// Another store (in this or another process) holds the database's lock file.
        public static let inUse = Code("in_use")
    }

    public var code: Code
    public var message: String
    public var cause: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { "\(code.raw): \(message)" }
}
