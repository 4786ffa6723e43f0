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

    /// The message for the config key it came from: `with.url: … (column 11)`, where the
    /// message of a table's template already starts with its key path.
    func at(_ key: String) -> String {
        let separator = key.hasSuffix(".") ? "" : ": "
        return key + separator + message + (column.map { " (column \($0) of the string)" } ?? "")
    }
}
