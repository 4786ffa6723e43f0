/// A trigger problem: a bad schedule, an unknown schedule, a refused request. The message
/// says what failed and what to do.
public struct TriggerError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable {
        public let raw: String
        public static let invalidSchedule = Code(raw: "invalid_schedule")
        public static let scheduleNotFound = Code(raw: "schedule_not_found")
        public static let scheduleOrphaned = Code(raw: "schedule_orphaned")
        public static let starting = Code(raw: "starting")
        public static let invalidInput = Code(raw: "invalid_input")
        public static let storage = Code(raw: "storage")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
