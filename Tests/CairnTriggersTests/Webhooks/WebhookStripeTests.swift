@testable import CairnTriggers
import Foundation
import Testing

@Suite struct WebhookStripeTests {
    static let secret = "whsec_cairnTestStripeSecret0001"
    static let body = #"{"id":"evt_1NfX","object":"event","type":"payment_intent.succeeded"}"#
    /// `printf '1700000000.<body>' | openssl dgst -sha256 -hmac 'whsec_cairnTestStripeSecret0001'`:
    /// the key is the whole secret, `whsec_` included.
    static let v1 = "bbc0439d30d2dee2227a5479954ce25f1058b7d841ba62aae4fc05a5f797d1ac"
    static let other = String(repeating: "0f", count: 32)

    func request(_ header: String, body: String = Self.body) -> WebhookRequest {
        WebhookRequest(body: Data(body.utf8), headers: [("Stripe-Signature", header)], receivedAt: WebhookClock.now)
    }

    func verify(_ header: String, body: String = Self.body) throws -> Result<VerifiedDelivery, WebhookRefusal> {
        let verifier = try WebhookVerifier(scheme: .stripe, secrets: [Self.secret])
        let request = request(header, body: body)
        return Result { () throws(WebhookRefusal) in try verifier.verify(request) }
    }

    @Test func opensslVectorVerifiesAndTheEventIDIsTheDeliveryID() throws {
        let delivery = try verify("t=1700000000,v1=\(Self.v1)").get()
        #expect(delivery == VerifiedDelivery(deliveryID: "evt_1NfX", timestamp: WebhookClock.now, secretIndex: 0))
    }

    @Test func testSignerReproducesTheOpensslVector() {
        let headers = SchemeFixture.named("stripe").sign(Self.secret, Data(Self.body.utf8), 1_700_000_000)
        #expect(headers[0].value == "t=1700000000,v1=\(Self.v1)")
    }

    @Test func anyOfSeveralV1EntriesMayMatch() throws {
        #expect(try verify("t=1700000000,v1=\(Self.other),v1=\(Self.v1)").get().secretIndex == 0)
        #expect(try verify("t=1700000000,v1=\(Self.v1),v1=\(Self.other),v0=\(Self.other)").get().secretIndex == 0)
    }

    @Test func v0EntriesAreNeverAcceptedEvenWhenTheyMatch() throws {
        // A v0 entry carrying the correct tag must not let the delivery through: accepting
        // v0 would let an attacker downgrade to the legacy scheme.
        let result = try verify("t=1700000000,v0=\(Self.v1)")
        #expect(result.refusal?.code == .signatureMismatch)
        #expect(result.refusal?.reason == "signature mismatch (Stripe-Signature has no v1 entry; v0 and other schemes are never accepted)")
        #expect(try verify("t=1700000000,v0=\(Self.v1),v1=\(Self.other)").refusal?.code == .signatureMismatch)
    }

    @Test func timestampIsPartOfTheSignedString() throws {
        #expect(try verify("t=1700000001,v1=\(Self.v1)").refusal?.code == .signatureMismatch)
    }

    @Test func nonJSONBodyVerifiesWithoutADeliveryID() throws {
        let fixture = SchemeFixture.named("stripe")
        let delivery = try fixture.verifier().verify(fixture.request(Data("not json {".utf8)))
        #expect(delivery.deliveryID == nil)
        let numericID = try fixture.verifier().verify(fixture.request(Data(#"{"id":42}"#.utf8)))
        #expect(numericID.deliveryID == nil)
    }

    @Test(arguments: [
        ("v1=\(v1)", "no t= timestamp"),
        ("t=1700000000", "no v1= signature"),
        ("t=1700000000,t=1700000000,v1=\(v1)", "t= appears more than once"),
        ("t=1700000000,v1", "an entry has no '='"),
        ("t=1700000000,,v1=\(v1)", "an entry has no '='"),
        ("t=1700000000,v1=\(v1.dropLast())", "odd number of digits"),
        ("t=1700000000,v1=\(v1.dropLast(2))zz", "not a hex digit"),
        ("t=abc,v1=\(v1)", "malformed timestamp in Stripe-Signature"),
        ("t=,v1=\(v1)", "malformed timestamp in Stripe-Signature"),
        ("t=1700000000 ,v1=\(v1)", "malformed timestamp in Stripe-Signature"),
    ])
    func malformedHeaderIsRefused(_ header: String, _ says: String) throws {
        let refused = try verify(header).refusal
        #expect(refused?.code == .malformedHeader)
        #expect(refused?.reason.contains(says) == true, "\(refused?.reason ?? "accepted")")
    }

    @Test func aMalformedV1EntryNextToAValidOneIsSkipped() throws {
        // Any entry may match, as in Stripe's libraries: garbage beside the real tag must not
        // sink a genuine delivery, and garbage beside a wrong tag is a plain mismatch.
        #expect(try verify("t=1700000000,v1=zz,v1=\(Self.v1)").get().secretIndex == 0)
        #expect(try verify("t=1700000000,v1=\(Self.other),v1=abc").refusal?.code == .signatureMismatch)
    }

    @Test func emptyHeaderIsMissing() throws {
        #expect(try verify("").refusal?.reason == "header Stripe-Signature is empty")
    }
}
