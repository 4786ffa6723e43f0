/// A trigger problem: a bad schedule, an unknown schedule, a refused request. The message
/// says what failed and what to do; `code` is stable for scripts and the HTTP mapping.
///
/// ```
/// schedule_not_found: No schedule named 'nightly'. Configured schedules: hourly. List them with: cairn schedules list
/// ```
public struct TriggerError: Error, CustomStringConvertible, Sendable {
    /// A stable identifier of the kind of problem.
    public struct Code: Hashable, Sendable {
        public let raw: String
        /// A schedule's definition is not acceptable (name, expression, zone, catch-up).
        public static let invalidSchedule = Code(raw: "invalid_schedule")
        /// No schedule has that name.
        public static let scheduleNotFound = Code(raw: "schedule_not_found")
        /// The schedule is in the ledger but no longer in the config.
        public static let scheduleOrphaned = Code(raw: "schedule_orphaned")
        /// The schedules are still reconciling the ledger at start-up.
        public static let starting = Code(raw: "starting")
        /// A request's values are not acceptable (a backfill window, say).
        public static let invalidInput = Code(raw: "invalid_input")
        /// A webhook's verification settings are not acceptable (a missing or malformed
        /// secret, an inconsistent signed template).
        public static let invalidHook = Code(raw: "invalid_hook")
        /// No hook has that name.
        public static let hookNotFound = Code(raw: "hook_not_found")
        /// The hook has no delivery with that sequence number.
        public static let deliveryNotFound = Code(raw: "delivery_not_found")
        /// A drop's definition is not acceptable (directory, pattern, limits).
        public static let invalidDrop = Code(raw: "invalid_drop")
        /// No drop has that name.
        public static let dropNotFound = Code(raw: "drop_not_found")
        /// The ledger could not be read or written.
        public static let storage = Code(raw: "storage")
    }

    public var code: Code
    /// What failed and what to do.
    public var message: String
    /// The underlying error, if any (a store error).
    public var cause: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { message }
}
