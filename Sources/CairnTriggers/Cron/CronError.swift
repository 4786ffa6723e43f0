/// A cron expression that cannot be parsed: which field, where, and what is allowed there.
///
/// ```
/// field 3 (day of month): 32 is out of range 1-31 (at position 5 of "0 0 32 * *")
/// ```
public struct CronError: Error, CustomStringConvertible, Sendable, Equatable {
    /// 1...5 (minute, hour, day of month, month, day of week); `nil` for the whole expression.
    public var field: Int?
    /// 1-based character position in the expression where the bad part starts.
    public var position: Int
    /// What is wrong and what to write instead.
    public var message: String
    /// The expression as given.
    public var expression: String

    public init(field: Int?, position: Int, message: String, expression: String) {
        self.field = field
        self.position = position
        self.message = message
        self.expression = expression
    }

    public var description: String {
        let prefix = field.map { "field \($0) (\(CronField.Kind.allCases[$0 - 1].name)): " } ?? ""
        return "\(prefix)\(message) (at position \(position) of \"\(expression)\")"
    }
}
