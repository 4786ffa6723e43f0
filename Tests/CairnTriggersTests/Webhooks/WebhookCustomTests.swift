@testable import CairnTriggers
import Foundation
import Testing

@Suite struct WebhookCustomTests {
    typealias Custom = WebhookVerifier.CustomHMAC
    static let secret = "cairn-custom-secret"

    @Test func opensslHexVectorWithTimestampVerifies() throws {
        // printf '1700000000.{"event":"ping"}' | openssl dgst -sha256 -hmac cairn-custom-secret
        let verifier = try SchemeFixture.named("hmac-sha256 hex with timestamp").verifier()
        let request = WebhookRequest(body: Data(#"{"event":"ping"}"#.utf8), headers: [
            ("X-Timestamp", "1700000000"),
            ("X-Signature", "sha256=753a6ffcc3e05d8c8ef3b4300048221072f1c5c3a399059d00bd06520fa0ecfe"),
        ], receivedAt: WebhookClock.now)
        #expect(try verifier.verify(request) == VerifiedDelivery(deliveryID: nil, timestamp: WebhookClock.now, secretIndex: 0))
    }

    @Test func opensslBase64VectorWithSignedIDVerifies() throws {
        // printf 'del-42:{"event":"ping"}' | openssl dgst -sha256 -hmac cairn-custom-secret -binary | base64
        let verifier = try SchemeFixture.named("hmac-sha256 base64 with id").verifier()
        let request = WebhookRequest(body: Data(#"{"event":"ping"}"#.utf8), headers: [
            ("X-Delivery", "del-42"), ("X-Sig", "RMHJqynXGvLEbxH6vHb4GL8Xao8U3ssKP47AuBli2p8="),
        ], receivedAt: WebhookClock.now)
        #expect(try verifier.verify(request) == VerifiedDelivery(deliveryID: "del-42", timestamp: nil, secretIndex: 0))
    }

    @Test func bodyOnlySignatureWithUnsignedIDHeader() throws {
        let custom = Custom(signatureHeader: "X-Sig", encoding: .hex, idHeader: "X-Id")
        let verifier = try WebhookVerifier(scheme: .hmacSHA256, secrets: [Self.secret], custom: custom)
        let body = Data("hello".utf8)
        let signature = TestSigner.hex(TestSigner.tag(Self.secret, "hello"))
        let withID = WebhookRequest(body: body, headers: [("X-Sig", signature), ("X-Id", "abc")], receivedAt: WebhookClock.now)
        #expect(try verifier.verify(withID).deliveryID == "abc")
        let withoutID = WebhookRequest(body: body, headers: [("X-Sig", signature)], receivedAt: WebhookClock.now)
        #expect(try verifier.verify(withoutID).deliveryID == nil)
    }

    @Test func signedIDHeaderMustBePresent() throws {
        let verifier = try SchemeFixture.named("hmac-sha256 base64 with id").verifier()
        let request = SchemeFixture.named("hmac-sha256 base64 with id").request(Data("x".utf8)).replacing("X-Delivery", with: nil)
        #expect(refusal { () throws(WebhookRefusal) in try verifier.verify(request) }?.reason == "missing header X-Delivery")
    }

    @Test func wrongPrefixIsMalformedAndSaysWhatIsExpected() throws {
        let fixture = SchemeFixture.named("hmac-sha256 hex with timestamp")
        let request = fixture.request(Data("x".utf8))
        let unprefixed = request.replacing("X-Signature", with: String(request.value("X-Signature")!.dropFirst(7)))
        let verifier = try fixture.verifier()
        #expect(refusal { () throws(WebhookRefusal) in try verifier.verify(unprefixed) }?.reason
            == "malformed signature header X-Signature: expected sha256=<hex signature>")
    }

    @Test(arguments: [
        (Custom(signatureHeader: "X-Sig", timestampHeader: "X-Ts"), "needs a signed template that includes it"),
        (Custom(signatureHeader: "X-Sig", timestampHeader: "X-Ts", signedTemplate: "{body}"), "lacks {timestamp}"),
        (Custom(signatureHeader: "X-Sig", signedTemplate: "{timestamp}.{body}"), "has no timestamp header"),
        (Custom(signatureHeader: "X-Sig", signedTemplate: "{id}.{body}"), "has no ID header"),
        (Custom(signatureHeader: "X-Sig", signedTemplate: "{ts}.{body}"), "unknown placeholder {ts}"),
        (Custom(signatureHeader: "X-Sig", signedTemplate: "{body"), "without a closing"),
        (Custom(signatureHeader: "X-Sig", signedTemplate: "static"), "{body} exactly once"),
        (Custom(signatureHeader: "X-Sig", signedTemplate: "{body}{body}"), "{body} exactly once"),
        (Custom(signatureHeader: ""), "must be a header name"),
        (Custom(signatureHeader: "X Sig"), "must be a header name"),
        (Custom(signatureHeader: "X-Sig", idHeader: "X-Id:"), "must be a header name"),
    ])
    func inconsistentSettingsAreAConfigError(_ custom: Custom, _ says: String) {
        #expect { try WebhookVerifier(scheme: .hmacSHA256, secrets: [Self.secret], custom: custom) } throws: { error in
            let error = error as? TriggerError
            return error?.code == .invalidHook && error?.message.contains(says) == true
        }
    }

    @Test func literalTextAroundPlaceholdersIsSigned() throws {
        let custom = Custom(signatureHeader: "X-Sig", timestampHeader: "X-Ts", signedTemplate: "v0:{timestamp}:{body}")
        let verifier = try WebhookVerifier(scheme: .hmacSHA256, secrets: [WebhookSlackTests.secret], custom: custom)
        // Configured like Slack, the generic scheme verifies Slack's documented vector.
        let request = WebhookRequest(body: Data(WebhookSlackTests.body.utf8),
                                     headers: [("X-Ts", WebhookSlackTests.timestamp), ("X-Sig", String(WebhookSlackTests.signature.dropFirst(3)))],
                                     receivedAt: Date(timeIntervalSince1970: 1_531_420_618))
        #expect(try verifier.verify(request).timestamp == Date(timeIntervalSince1970: 1_531_420_618))
    }
}
