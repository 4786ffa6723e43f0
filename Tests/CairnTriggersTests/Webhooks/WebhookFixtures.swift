@testable import CairnTriggers
import Foundation
import Testing

/// Signs like the providers do, independently of the verifier's parsing: it uses only the
/// HMAC primitive, which `WebhookHMACTests` and each scheme's openssl-produced literal pin.
enum TestSigner {
    static func tag(_ key: [UInt8], _ message: Data) -> [UInt8] { HMACSHA256.mac(key: key, message: message) }
    static func tag(_ key: String, _ message: String) -> [UInt8] { tag(Array(key.utf8), Data(message.utf8)) }
    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
    static func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
    static func text(_ body: Data) -> String { String(decoding: body, as: UTF8.self) }
    /// The HMAC key of a Standard Webhooks secret: the base64 after `whsec_`.
    static func standardKey(_ secret: String) -> [UInt8] {
        Array(Data(base64Encoded: String(secret.dropFirst("whsec_".count)))!)
    }
}

/// The receive time every test uses, and timestamps relative to it.
enum WebhookClock {
    static let nowSeconds: Int64 = 1_700_000_000
    static let now = Date(timeIntervalSince1970: TimeInterval(nowSeconds))
}

/// One scheme as the shared behaviour tests see it: two valid secrets, how to sign a body
/// at a timestamp, and which header carries the signature.
struct SchemeFixture: Sendable, CustomTestStringConvertible {
    typealias Headers = [(name: String, value: String)]
    let label: String
    let scheme: WebhookScheme
    let primary: String
    let other: String
    var custom: WebhookVerifier.CustomHMAC?
    let hasTimestamp: Bool
    let signatureHeader: String
    /// Headers other than the signature's that the signature covers (the timestamp, an ID).
    let signedHeaders: [String]
    let sign: @Sendable (_ secret: String, _ body: Data, _ timestamp: Int64) -> Headers

    var testDescription: String { label }

    func verifier(_ secrets: [String]? = nil, tolerance: Duration = .seconds(300)) throws -> WebhookVerifier {
        try WebhookVerifier(scheme: scheme, secrets: secrets ?? [primary], tolerance: tolerance, custom: custom)
    }

    func request(_ body: Data, secret: String? = nil, at timestamp: Int64 = WebhookClock.nowSeconds) -> WebhookRequest {
        WebhookRequest(body: body, headers: sign(secret ?? primary, body, timestamp), receivedAt: WebhookClock.now)
    }

    /// The fixture labelled `label`.
    static func named(_ label: String) -> SchemeFixture { all.first { $0.label == label }! }

    static let all: [SchemeFixture] = [
        .init(label: "github", scheme: .github, primary: "It's a Secret to Everybody", other: "rotated-github-secret",
              hasTimestamp: false, signatureHeader: "X-Hub-Signature-256", signedHeaders: []) { secret, body, _ in
            [("X-Hub-Signature-256", "sha256=" + TestSigner.hex(TestSigner.tag(Array(secret.utf8), body))),
             ("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"), ("X-GitHub-Event", "push")]
        },
        .init(label: "stripe", scheme: .stripe, primary: "whsec_cairnTestStripeSecret0001", other: "whsec_cairnRotatedStripe0002",
              hasTimestamp: true, signatureHeader: "Stripe-Signature", signedHeaders: []) { secret, body, t in
            [("Stripe-Signature", "t=\(t),v1=" + TestSigner.hex(TestSigner.tag(secret, "\(t).\(TestSigner.text(body))")))]
        },
        .init(label: "standard", scheme: .standard, primary: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
              other: "whsec_Y2Fpcm4tcm90YXRpb24ta2V5LTAxMjM0NTY3ODlhYmM=",
              hasTimestamp: true, signatureHeader: "webhook-signature", signedHeaders: ["webhook-id"]) { secret, body, t in
            let message = Data("msg_p5jXN8AQM9LWM0D4loKWxJek.\(t).".utf8) + body
            return [("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"), ("webhook-timestamp", "\(t)"),
                    ("webhook-signature", "v1," + TestSigner.base64(TestSigner.tag(TestSigner.standardKey(secret), message)))]
        },
        .init(label: "slack", scheme: .slack, primary: "8f742231b10e8888abcd99yyyzzz85a5", other: "rotated-slack-signing-secret",
              hasTimestamp: true, signatureHeader: "X-Slack-Signature", signedHeaders: []) { secret, body, t in
            [("X-Slack-Request-Timestamp", "\(t)"),
             ("X-Slack-Signature", "v0=" + TestSigner.hex(TestSigner.tag(secret, "v0:\(t):\(TestSigner.text(body))")))]
        },
        .init(label: "shopify", scheme: .shopify, primary: "shpss_cairnTestShopify", other: "shpss_rotatedShopify",
              hasTimestamp: false, signatureHeader: "X-Shopify-Hmac-Sha256", signedHeaders: []) { secret, body, _ in
            [("X-Shopify-Hmac-SHA256", TestSigner.base64(TestSigner.tag(Array(secret.utf8), body))),
             ("X-Shopify-Webhook-Id", "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043")]
        },
        .init(label: "hmac-sha256 hex with timestamp", scheme: .hmacSHA256, primary: "cairn-custom-secret", other: "cairn-rotated-secret",
              custom: .init(signatureHeader: "X-Signature", prefix: "sha256=", encoding: .hex,
                            timestampHeader: "X-Timestamp", signedTemplate: "{timestamp}.{body}"),
              hasTimestamp: true, signatureHeader: "X-Signature", signedHeaders: []) { secret, body, t in
            [("X-Timestamp", "\(t)"),
             ("X-Signature", "sha256=" + TestSigner.hex(TestSigner.tag(secret, "\(t).\(TestSigner.text(body))")))]
        },
        .init(label: "hmac-sha256 base64 with id", scheme: .hmacSHA256, primary: "cairn-custom-secret", other: "cairn-rotated-secret",
              custom: .init(signatureHeader: "X-Sig", encoding: .base64, signedTemplate: "{id}:{body}", idHeader: "X-Delivery"),
              hasTimestamp: false, signatureHeader: "X-Sig", signedHeaders: ["X-Delivery"]) { secret, body, _ in
            [("X-Delivery", "del-42"), ("X-Sig", TestSigner.base64(TestSigner.tag(secret, "del-42:\(TestSigner.text(body))")))]
        },
    ]
}

extension WebhookRequest {
    /// This request with every `name` header replaced by one with `value` (`nil` removes it).
    func replacing(_ name: String, with value: String?) -> WebhookRequest {
        var copy = self
        copy.headers.removeAll { WebhookRequest.sameName($0.name, name) }
        if let value { copy.headers.append((name, value)) }
        return copy
    }

    /// The current value of header `name`, for tests that tamper with it.
    func value(_ name: String) -> String? {
        headers.first { WebhookRequest.sameName($0.name, name) }?.value
    }
}

/// Runs `body` and returns the refusal it throws; records an issue when it does not throw.
func refusal(_ body: () throws(WebhookRefusal) -> VerifiedDelivery, sourceLocation: SourceLocation = #_sourceLocation) -> WebhookRefusal? {
    do {
        let delivery = try body()
        Issue.record("expected a refusal, got \(delivery)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

extension Result where Failure == WebhookRefusal {
    /// The refusal, or `nil` when the delivery was accepted.
    var refusal: WebhookRefusal? {
        if case .failure(let refusal) = self { refusal } else { nil }
    }
}
