/// A configuration problem: what is wrong, where (file and line when known) and how to fix it.
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    public var file: String?
    public var line: Int?
    public var message: String

    public init(_ message: String, file: String? = nil, line: Int? = nil) {
        self.message = message
        self.file = file
        self.line = line
    }

    public var description: String {
        switch (file, line) {
        case (let file?, let line?): "\(file):\(line): \(message)"
        case (let file?, nil): "\(file): \(message)"
        default: message
        }
    }
}
