/// A secret from the config (a password, an API key). It prints as `[redacted]`, so it
/// cannot leak into logs or messages by accident; read ``value`` where it is used.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String

    public init(_ value: String) {
        self.value = value
    }

    public var description: String { "[redacted]" }
    public var debugDescription: String { "Secret([redacted])" }
}
