import Foundation

/// A delivery as the verifier sees it: the raw body bytes, the headers as received, and
/// when it arrived.
///
/// The body must be exactly the bytes on the wire: signatures cover them, so any decoding
/// or re-serialisation before verification breaks them.
///
/// ```swift
/// let request = WebhookRequest(body: bytes, headers: [("X-Hub-Signature-256", "sha256=…")], receivedAt: now)
/// ```
public struct WebhookRequest: Sendable {
    /// The raw request body.
    public var body: Data
    /// Every header line in the order received; names keep their original case.
    public var headers: [(name: String, value: String)]
    /// When the request arrived; timestamps are checked against this, not against the time
    /// verification happens to run.
    public var receivedAt: Date

    /// A delivery of `body` with `headers`, received at `receivedAt`.
    public init(body: Data, headers: [(name: String, value: String)], receivedAt: Date) {
        self.body = body
        self.headers = headers
        self.receivedAt = receivedAt
    }

    /// The value of header `name` (compared without regard to ASCII case), with surrounding
    /// spaces and tabs removed; `nil` when absent.
    ///
    /// A header that appears more than once with different values is refused: a sender
    /// that signs one value and a proxy that forwards another must not leave the verifier
    /// to guess which one was meant. Repeats of one identical value are accepted.
    public func header(_ name: String) throws(WebhookRefusal) -> String? {
        var found: String?
        var count = 0
        var ambiguous = false
        for header in headers where Self.sameName(header.name, name) {
            let value = String(Self.trimmed(header.value[...]))
            count += 1
            if let found, found != value { ambiguous = true }
            found = found ?? value
        }
        guard !ambiguous else {
            throw WebhookRefusal(.ambiguousHeader, "header \(name) appears \(count) times with different values")
        }
        return found
    }

    /// The value of header `name`, which must be present and not empty.
    func requiredHeader(_ name: String) throws(WebhookRefusal) -> String {
        guard let value = try header(name) else {
            throw WebhookRefusal(.missingHeader, "missing header \(name)")
        }
        guard !value.isEmpty else {
            throw WebhookRefusal(.missingHeader, "header \(name) is empty")
        }
        return value
    }

    /// ASCII case-insensitive equality, byte by byte: header names are ASCII tokens, and
    /// Unicode case folding must not make a foreign name match.
    static func sameName(_ a: String, _ b: String) -> Bool {
        let a = a.utf8, b = b.utf8
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { lower($0) == lower($1) }
    }

    private static func lower(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }

    /// `value` without the spaces and tabs HTTP allows around a header value (and around a
    /// media type before its parameters).
    static func trimmed(_ value: Substring) -> Substring {
        let bytes = value.utf8
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }),
              let last = bytes.lastIndex(where: { !isSpace($0) }) else { return "" }
        return value[first...last]
    }
}
