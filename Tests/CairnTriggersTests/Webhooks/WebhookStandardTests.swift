@testable import CairnTriggers
import Foundation
import Testing

@Suite struct WebhookStandardTests {
    /// The example of the Standard Webhooks / Svix documentation, recomputed with
    /// `openssl dgst -sha256 -mac HMAC -macopt hexkey:<base64-decoded secret> -binary | base64`.
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let id = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    static let timestamp = "1614265330"
    static let body = #"{"test": 2432232314}"#
    static let v1 = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    static let sentAt = Date(timeIntervalSince1970: 1_614_265_330)

    func verify(_ signature: String, secret: String = Self.secret) throws -> Result<VerifiedDelivery, WebhookRefusal> {
        let verifier = try WebhookVerifier(scheme: .standard, secrets: [secret])
        let request = WebhookRequest(body: Data(Self.body.utf8),
                                     headers: [("webhook-id", Self.id), ("webhook-timestamp", Self.timestamp), ("webhook-signature", signature)],
                                     receivedAt: Self.sentAt.addingTimeInterval(5))
        return Result { () throws(WebhookRefusal) in try verifier.verify(request) }
    }

    @Test func documentedVectorVerifiesAndWebhookIDIsTheDeliveryID() throws {
        let delivery = try verify(Self.v1).get()
        #expect(delivery == VerifiedDelivery(deliveryID: Self.id, timestamp: Self.sentAt, secretIndex: 0))
    }

    @Test func testSignerReproducesTheDocumentedVector() {
        let headers = SchemeFixture.named("standard").sign(Self.secret, Data(Self.body.utf8), 1_614_265_330)
        #expect(headers.last?.value == Self.v1)
    }

    @Test func secretWithoutThePrefixIsTheSameKey() throws {
        _ = try verify(Self.v1, secret: String(Self.secret.dropFirst(6))).get()
    }

    @Test func anyOfSeveralSpaceSeparatedEntriesMayMatch() throws {
        let other = "v1," + Data(repeating: 7, count: 32).base64EncodedString()
        _ = try verify("\(other) \(Self.v1)").get()
        _ = try verify("v1a,AAAA \(Self.v1)  \(other)").get()
    }

    @Test func aMalformedV1EntryNextToAValidOneIsSkipped() throws {
        _ = try verify("v1,Zm9v \(Self.v1)").get()
    }

    @Test func asymmetricEntriesAloneAreRefused() throws {
        let refused = try verify("v1a,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=").refusal
        #expect(refused?.code == .signatureMismatch)
        #expect(refused?.reason.contains("no v1 entry") == true)
    }

    @Test(arguments: [
        ("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE", "has 43 characters"),
        ("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1O==", "not valid base64"),
        ("v1,g0hM9SsE-OTPJTGt_tmIKtSyZlE3uFJELVlNIOLJ1OE=", "not valid base64"),
        ("v1,g0hM9SsE+OTPJTGt/tmIK SyZlE3uFJELVlNIOLJ1OE=", "an entry has no ','"),
        ("v1,", "has 0 characters"),
        ("g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", "an entry has no ','"),
        ("v1=g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", "an entry has no ','"),
    ])
    func malformedSignatureIsRefused(_ signature: String, _ says: String) throws {
        let refused = try verify(signature).refusal
        #expect(refused?.code == .malformedHeader)
        #expect(refused?.reason.contains(says) == true, "\(refused?.reason ?? "accepted")")
    }

    @Test func missingWebhookIDIsRefused() throws {
        let fixture = SchemeFixture.named("standard")
        let request = fixture.request(Data(Self.body.utf8)).replacing("webhook-id", with: nil)
        let verifier = try fixture.verifier()
        #expect(refusal { () throws(WebhookRefusal) in try verifier.verify(request) }?.reason == "missing header webhook-id")
    }

    @Test(arguments: ["MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw!", "whsec_", "whsec_not base64", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS"])
    func secretThatIsNotBase64IsAConfigError(_ secret: String) {
        #expect { try WebhookVerifier(scheme: .standard, secrets: [secret]) } throws: { error in
            let error = error as? TriggerError
            return error?.code == .invalidHook && (secret == "whsec_" || error?.message.contains(secret) == false)
                && error?.message.contains("secret number 1") == false && error?.message.contains("Secret number 1") == true
        }
    }
}
