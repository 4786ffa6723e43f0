import Foundation

/// Checks that a webhook delivery was signed by its sender with one of the hook's secrets,
/// exactly as that sender signs (``WebhookScheme``), and that its timestamp is fresh.
///
/// HMAC-SHA256 runs over the raw body through libcrypto and tags are compared in constant
/// time. Several secrets may be active at once so a secret can be rotated without refusing
/// deliveries; any of them may match. Nothing of the body is parsed before the signature
/// holds. Timestamps are checked against the request's receive time, in both directions.
///
/// ```swift
/// let verifier = try WebhookVerifier(scheme: .github, secrets: [secret])
/// let delivery = try verifier.verify(WebhookRequest(body: body, headers: headers, receivedAt: now))
/// // delivery.deliveryID is the idempotency key
/// ```
///
/// The verifier does not cap the body: the HTTP layer must refuse an oversized body before
/// it reaches here, so an attacker cannot make the appliance hash arbitrary amounts of data.
public struct WebhookVerifier: Sendable {
    /// How the sender signs.
    public let scheme: WebhookScheme
    /// How far a signed timestamp may lie from the receive time, past or future, in whole
    /// seconds. Unused by schemes without a timestamp.
    public let tolerance: Duration
    /// The settings of an `hmac-sha256` hook; `nil` for every other scheme.
    public let custom: CustomHMAC?
    /// The HMAC key of each active secret, in configured order, prepared once (``HMACKey``).
    let keys: [HMACKey]
    /// The parsed `custom.signedTemplate`.
    let template: SignedTemplate?

    /// A verifier for `scheme` that accepts a signature by any of `secrets`.
    ///
    /// - Parameters:
    ///   - secrets: One or more secrets as the sender shows them. Standard Webhooks secrets
    ///     are `whsec_` followed by base64 (the prefix may be left out); Stripe's are used
    ///     whole, prefix included; every other scheme uses the secret's UTF-8 bytes.
    ///   - tolerance: The largest accepted distance between a signed timestamp and the
    ///     receive time; 5 minutes, as the providers' own libraries use.
    ///   - custom: Required for ``WebhookScheme/hmacSHA256`` and refused for every other scheme.
    /// - Throws: `invalid_hook` when a secret is missing, empty or not in the scheme's form,
    ///   the tolerance is negative, or the custom settings are missing or inconsistent.
    public init(scheme: WebhookScheme, secrets: [String], tolerance: Duration = .seconds(300), custom: CustomHMAC? = nil) throws(TriggerError) {
        func invalid(_ message: String) -> TriggerError { TriggerError(.invalidHook, message) }
        guard !secrets.isEmpty else {
            throw invalid("A \(scheme.rawValue) hook needs at least one secret; during a rotation list the new and the old one.")
        }
        guard tolerance >= .zero, tolerance <= Self.maxTolerance else {
            throw invalid("The timestamp tolerance must lie between 0 and 1 hour (the default is 5 minutes): a longer window lets a captured delivery be replayed for longer.")
        }
        var keys: [[UInt8]] = []
        for (index, secret) in secrets.enumerated() {
            // Messages name the secret by position only: secrets never appear in errors.
            guard !secret.isEmpty else { throw invalid("Secret number \(index + 1) of the \(scheme.rawValue) hook is empty; set it to the signing secret the sender shows.") }
            if scheme == .standard {
                let encoded = secret.hasPrefix("whsec_") ? secret.dropFirst(6) : Substring(secret)
                guard let key = Base64.decode(encoded) else {
                    throw invalid("Secret number \(index + 1) of the standard hook is not 'whsec_' followed by base64; copy the signing secret exactly as the sender shows it.")
                }
                // The Standard Webhooks specification: keys are 24 to 64 random bytes.
                guard (24...64).contains(key.count) else {
                    throw invalid("Secret number \(index + 1) of the standard hook decodes to \(key.count) bytes; Standard Webhooks keys are 24 to 64 bytes. Copy the whole signing secret as the sender shows it.")
                }
                keys.append(key)
            } else if scheme == .stripe, !secret.hasPrefix("whsec_") {
                throw invalid("Secret number \(index + 1) of the stripe hook does not start with 'whsec_'. Use the endpoint's signing secret from the Stripe dashboard (not an API key), whole, prefix included.")
            } else {
                keys.append(Array(secret.utf8))
            }
        }
        switch (scheme, custom) {
        case (.hmacSHA256, nil):
            throw invalid("An hmac-sha256 hook needs its signature settings: the signature header, prefix and encoding at least.")
        case (.hmacSHA256, let custom?):
            self.template = try custom.validated()
        case (_, nil):
            self.template = nil
        case (_, .some):
            throw invalid("Signature settings (header, prefix, encoding, template) apply only to the hmac-sha256 scheme; \(scheme.rawValue) has fixed ones.")
        }
        self.scheme = scheme
        self.tolerance = tolerance
        self.custom = custom
        self.keys = keys.map(HMACKey.init)
    }

    /// The longest accepted tolerance.
    public static let maxTolerance: Duration = .seconds(3600)

    /// The lower-cased names of the headers this scheme reads: the signature, timestamp and
    /// delivery-ID headers, plus the event-name headers a sender adds. A delivery's record
    /// keeps these (and `Content-Type`), never any other header.
    public var signingHeaders: [String] {
        switch scheme {
        case .github: ["x-hub-signature-256", "x-github-delivery", "x-github-event", "x-github-hook-id"]
        case .stripe: ["stripe-signature"]
        case .standard: ["webhook-id", "webhook-timestamp", "webhook-signature"]
        case .slack: ["x-slack-signature", "x-slack-request-timestamp"]
        case .shopify: ["x-shopify-hmac-sha256", "x-shopify-webhook-id", "x-shopify-topic", "x-shopify-shop-domain"]
        case .hmacSHA256: [custom?.signatureHeader, custom?.timestampHeader, custom?.idHeader].compactMap { $0?.lowercased() }
        }
    }

    /// Verifies `request` and returns its delivery ID and timestamp, or throws why not.
    ///
    /// The delivery ID of Stripe and Slack lives in the JSON body and is read here, only
    /// once the signature holds; a body that is not JSON then simply has no delivery ID.
    public func verify(_ request: WebhookRequest) throws(WebhookRefusal) -> VerifiedDelivery {
        switch scheme {
        case .github: try verifyGitHub(request)
        case .stripe: try verifyStripe(request)
        case .standard: try verifyStandard(request)
        case .slack: try verifySlack(request)
        case .shopify: try verifyShopify(request)
        case .hmacSHA256: try verifyCustom(request)
        }
    }
}

extension WebhookVerifier: CustomStringConvertible {
    /// The scheme, the number of secrets and the tolerance; never the secrets themselves, so
    /// a verifier can be logged or interpolated safely.
    public var description: String {
        "WebhookVerifier(scheme: \(scheme.rawValue), secrets: \(keys.count), tolerance: \(tolerance.components.seconds)s)"
    }
}

extension WebhookVerifier: CustomReflectable {
    /// Hides the keys from `dump` and debuggers' summaries too.
    public var customMirror: Mirror {
        Mirror(self, children: ["scheme": scheme, "secrets": keys.count, "tolerance": tolerance], displayStyle: .struct)
    }
}
