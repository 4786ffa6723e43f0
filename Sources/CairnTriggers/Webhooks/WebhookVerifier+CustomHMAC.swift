extension WebhookVerifier {
    /// The signature settings of an `hmac-sha256` hook, for senders that sign with
    /// HMAC-SHA256 in a way none of the named schemes covers.
    ///
    /// ```swift
    /// // Signature: t=…; header "X-Signature: sha256=<hex>" over "{timestamp}.{body}"
    /// let custom = WebhookVerifier.CustomHMAC(signatureHeader: "X-Signature", prefix: "sha256=",
    ///     encoding: .hex, timestampHeader: "X-Timestamp", signedTemplate: "{timestamp}.{body}")
    /// ```
    public struct CustomHMAC: Sendable, Equatable {
        /// How the tag is written in the signature header.
        public enum Encoding: String, CaseIterable, Sendable {
            /// 64 hex digits (either case).
            case hex
            /// 44 characters of standard, padded base64.
            case base64
        }

        /// The header that carries the signature.
        public var signatureHeader: String
        /// Text before the encoded tag in that header, such as `sha256=`; may be empty.
        public var prefix: String
        /// How the tag is encoded.
        public var encoding: Encoding
        /// A header with the send time in unix seconds; when set it must be signed (appear
        /// as `{timestamp}` in the template) and is checked against the tolerance.
        public var timestampHeader: String?
        /// What is signed: `{body}` exactly once, plus `{timestamp}` and `{id}` and any
        /// literal text. `nil` means `{body}` alone, which is allowed only without a
        /// timestamp header.
        public var signedTemplate: String?
        /// A header with the sender's delivery ID, the idempotency key.
        public var idHeader: String?

        /// Settings for a sender that puts `prefix` and the `encoding` of the tag in
        /// `signatureHeader`, signing `signedTemplate`.
        public init(signatureHeader: String, prefix: String = "", encoding: Encoding = .hex,
                    timestampHeader: String? = nil, signedTemplate: String? = nil, idHeader: String? = nil) {
            self.signatureHeader = signatureHeader
            self.prefix = prefix
            self.encoding = encoding
            self.timestampHeader = timestampHeader
            self.signedTemplate = signedTemplate
            self.idHeader = idHeader
        }

        /// The parsed template, once the settings are known to be consistent.
        func validated() throws(TriggerError) -> SignedTemplate {
            func invalid(_ message: String) -> TriggerError { TriggerError(.invalidHook, message) }
            for (label, name) in [("signature header", signatureHeader), ("timestamp header", timestampHeader), ("ID header", idHeader)] {
                if let name, name.isEmpty || name.utf8.contains(where: { $0 <= 0x20 || $0 >= 0x7F || $0 == UInt8(ascii: ":") }) {
                    throw invalid("The \(label) of an hmac-sha256 hook must be a header name such as X-Signature, without spaces or a colon.")
                }
            }
            guard let text = signedTemplate else {
                guard timestampHeader == nil else {
                    throw invalid("An hmac-sha256 hook with a timestamp header needs a signed template that includes it, such as \"{timestamp}.{body}\".")
                }
                return SignedTemplate(segments: [.body])
            }
            let template = try SignedTemplate(parsing: text)
            if template.segments.contains(.timestamp), timestampHeader == nil {
                throw invalid("The signed template uses {timestamp} but the hook has no timestamp header; set the header the sender puts it in.")
            }
            if timestampHeader != nil, !template.segments.contains(.timestamp) {
                throw invalid("The hook has a timestamp header but the signed template lacks {timestamp}: an unsigned timestamp can be replaced, so the tolerance would protect nothing. Add {timestamp} where the sender signs it.")
            }
            if template.segments.contains(.id), idHeader == nil {
                throw invalid("The signed template uses {id} but the hook has no ID header; set the header the sender puts the delivery ID in.")
            }
            return template
        }
    }
}
