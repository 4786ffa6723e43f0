import Cairn

extension Email {
    /// A message a relay must never see: names the field and what to write instead.
    public struct InvalidMessage: Error, NamedError, CustomStringConvertible, Sendable {
        public var message: String
        public init(_ message: String) { self.message = message }
        public var errorName: String { "NonRetryableError" }
        public var errorMessage: String { message }
        public var description: String { message }
    }
}
