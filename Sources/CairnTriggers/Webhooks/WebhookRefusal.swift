/// Why a delivery was not accepted as coming from the configured sender.
///
/// The HTTP layer answers every refusal with the same bare 401, so a prober learns nothing;
/// `reason` is for the operator's log and says which check failed. It never contains a
/// secret, and never echoes header values, which are attacker-controlled.
///
/// ```
/// signature_mismatch: signature mismatch (checked 2 signatures against 2 secrets)
/// timestamp_out_of_tolerance: timestamp outside tolerance (412s old, tolerance 300s)
/// ```
public struct WebhookRefusal: Error, CustomStringConvertible, Sendable, Equatable {
    /// A stable identifier of the check that failed.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let raw: String
        /// A header the scheme needs is absent or empty.
        public static let missingHeader = Code(raw: "missing_header")
        /// A header is present but not in the scheme's format (bad hex, bad base64, no `t=`).
        public static let malformedHeader = Code(raw: "malformed_header")
        /// A header appears more than once with different values.
        public static let ambiguousHeader = Code(raw: "ambiguous_header")
        /// The header is well formed but no signature matches any active secret.
        public static let signatureMismatch = Code(raw: "signature_mismatch")
        /// The signature holds but the signed timestamp is too far in the past or future.
        public static let timestampOutOfTolerance = Code(raw: "timestamp_out_of_tolerance")

        public var description: String { raw }
    }

    /// Which check failed.
    public var code: Code
    /// What was wrong, for the log: `"missing header X-Hub-Signature-256"`.
    public var reason: String

    /// A refusal for `code`, explained by `reason`.
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    /// `code: reason`.
    public var description: String { "\(code.raw): \(reason)" }
}
