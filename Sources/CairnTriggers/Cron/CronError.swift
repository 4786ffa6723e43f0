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

    /// Always `invalid_cron`: one kind of error, located by `field` and `position`.
    public var code: String { "invalid_cron" }

    /// A parse error at `position` of `expression`, in `field` (1-5) or the whole expression.
    public init(field: Int?, position: Int, message: String, expression: String) {
        self.field = field
        self.position = position
        self.message = message
        self.expression = expression
    }

    /// `field 3 (day of month): … (at position 5 of "…")`.
    public var description: String {
        let prefix = field.map { number in "field \(number)\(CronField.Kind(rawValue: number).map { " (\($0.name))" } ?? ""): " } ?? ""
        return "\(prefix)\(message) (at position \(position) of \"\(expression)\")"
    }
}
