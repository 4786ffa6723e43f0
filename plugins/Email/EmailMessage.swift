import Cairn
import Foundation

extension Email {
    /// One e-mail: envelope, headers, a text and/or HTML body and attachments.
    ///
    /// ```swift
    /// var welcome = Email.Message(from: try .init(parsing: "Cairn <hello@example.com>"),
    ///                             to: [try .init(parsing: "\"Ada Lovelace\" <ada@example.com>")],
    ///                             subject: "Welcome, Ada")
    /// welcome.text = "Your account is ready."
    /// welcome.html = "<p>Your account is <b>ready</b>.</p>"
    /// ```
    public struct Message: Sendable {
        /// The sender (the From header and the envelope's MAIL FROM).
        public var from: Address
        /// Recipients in the To and Cc headers (and the envelope).
        public var to: [Address]
        public var cc: [Address]
        /// In the envelope only: never written into the headers.
        public var bcc: [Address]
        public var replyTo: [Address]
        /// Any text without line breaks; non-ASCII is sent as encoded-words.
        public var subject: String
        /// The bodies: either or both (`multipart/alternative`).
        public var text: String?
        public var html: String?
        /// Extra headers (`List-Unsubscribe`, `X-Campaign`), in order.
        public var headers: [(name: String, value: String)]
        /// Files sent with the message (`multipart/mixed`).
        public var attachments: [Attachment]

        public init(from: Address, to: [Address] = [], cc: [Address] = [], bcc: [Address] = [], replyTo: [Address] = [], subject: String,
                    text: String? = nil, html: String? = nil, headers: [(name: String, value: String)] = [], attachments: [Attachment] = []) {
            self.from = from
            self.to = to
            self.cc = cc
            self.bcc = bcc
            self.replyTo = replyTo
            self.subject = subject
            self.text = text
            self.html = html
            self.headers = headers
            self.attachments = attachments
        }

        /// Every envelope recipient (To, Cc and Bcc), each address once, in that order.
        public var recipients: [String] {
            var seen: Set<String> = []
            return (to + cc + bcc).map(\.address).filter { seen.insert($0.lowercased()).inserted }
        }

        /// Headers Cairn writes itself; a custom header may not set them.
        static let reservedHeaders: Set<String> = ["from", "to", "cc", "bcc", "reply-to", "subject", "date", "message-id", "mime-version",
                                                   "content-type", "content-transfer-encoding", "content-disposition", "sender", "return-path"]

        /// Throws naming the first field a relay should never see.
        public func validate() throws(Email.InvalidMessage) {
            guard !recipients.isEmpty else { throw Email.InvalidMessage("to, cc and bcc are all empty; give at least one recipient") }
            guard !Address.hasControlCharacters(subject.replacingOccurrences(of: "\t", with: " ")) else {
                throw Email.InvalidMessage("subject holds a line break or another control character (a header injection is refused)")
            }
            guard text != nil || html != nil else { throw Email.InvalidMessage("the message has no body; give text, html or both") }
            for (name, value) in headers {
                guard !name.isEmpty, name.utf8.count <= 76, name.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != ":" }) else {
                    throw Email.InvalidMessage("headers: '\(Address.shown(name))' is not a header name (printable ASCII without spaces or a colon)")
                }
                guard !Self.reservedHeaders.contains(name.lowercased()) else {
                    throw Email.InvalidMessage("headers: \(name) is written by Cairn; set it through its own field (from, to, subject, …)")
                }
                guard !Address.hasControlCharacters(value.replacingOccurrences(of: "\t", with: " ")) else {
                    throw Email.InvalidMessage("headers: \(name) holds a line break or another control character (a header injection is refused)")
                }
            }
            for (index, attachment) in attachments.enumerated() {
                guard !attachment.filename.isEmpty, !Address.hasControlCharacters(attachment.filename), !attachment.filename.contains("/") else {
                    throw Email.InvalidMessage("attachments[\(index)].filename '\(Address.shown(attachment.filename))' is not a file name (no slashes or control characters)")
                }
                let type = attachment.contentType.split(separator: "/")
                guard type.count == 2, attachment.contentType.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != ";" && $0 != "\"" }) else {
                    throw Email.InvalidMessage("attachments[\(index)].content_type '\(Address.shown(attachment.contentType))' is not a media type such as text/csv")
                }
            }
        }

        /// A 64-bit FNV-1a digest of everything the message says (not the Date it is sent
        /// on), hex: the same message always hashes the same.
        public var contentHash: String {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            func feed(_ text: String) {
                for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
                hash = (hash ^ 0xFF) &* 0x0000_0100_0000_01B3      // a separator no UTF-8 text holds
            }
            for field in [[from], to, cc, bcc, replyTo] { feed(field.map(\.description).joined(separator: ",")) }
            feed(subject)
            feed(text.map { "t" + $0 } ?? "-")
            feed(html.map { "h" + $0 } ?? "-")
            for (name, value) in headers { feed(name); feed(value) }
            for attachment in attachments {
                feed(attachment.filename)
                feed(attachment.contentType)
                for byte in attachment.data { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            }
            let digits = String(hash, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
    }
}
