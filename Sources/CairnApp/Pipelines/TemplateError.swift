/// A template that does not parse (with the column, counted from 1 in the string), or a
/// value it names that is not there when it renders (with the path).
public struct TemplateError: Error, CustomStringConvertible, Sendable {
    public var message: String
    /// The column in the template text where parsing failed, if it did.
    public var column: Int?

    init(_ message: String, column: Int? = nil) {
        self.message = message
        self.column = column
    }

    public var description: String { column.map { "column \($0): \(message)" } ?? message }
}
