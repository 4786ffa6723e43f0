import Foundation

/// One message as the sink received and parsed it.
public struct ReceivedMail: Decodable, Sendable {
    /// An attachment: its name, type and bytes (base64 in the sink's JSON).
    public struct Attachment: Decodable, Sendable {
        public var filename: String?
        public var contentType: String
        public var base64: String
        public var data: Data { Data(base64Encoded: base64) ?? Data() }

        enum CodingKeys: String, CodingKey {
            case filename, base64
            case contentType = "content_type"
        }
    }

    /// Every header as `[name, decoded value]`, in order.
    public var headers: [[String]]
    public var subject: String
    public var messageID: String
    /// The top-level type (`multipart/mixed`, `text/plain`, …).
    public var contentType: String
    /// The longest line of the raw message, CRLF not counted.
    public var maxLine: Int
    /// Whether the raw message has a line feed without a carriage return.
    public var bareLF: Bool
    /// What Python's parser found wrong, empty for a clean message.
    public var defects: [String]
    public var size: Int
    /// The text/plain and text/html bodies, decoded (line ends as `\n`).
    public var text: String?
    public var html: String?
    public var attachments: [Attachment]
    /// The envelope.
    public var mailFrom: String
    public var rcptTos: [String]
    /// Whether the session was TLS, and authenticated.
    public var tls: Bool
    public var authenticated: Bool

    enum CodingKeys: String, CodingKey {
        case headers, subject, defects, size, text, html, attachments, tls, authenticated
        case messageID = "message_id", contentType = "content_type", maxLine = "max_line", bareLF = "bare_lf", mailFrom = "mail_from", rcptTos = "rcpt_tos"
    }

    /// A header's decoded value (the first of that name), case-insensitive.
    public func header(_ name: String) -> String? {
        headers.first { $0.first?.lowercased() == name.lowercased() }.flatMap { $0.count > 1 ? $0[1] : nil }
    }
}
