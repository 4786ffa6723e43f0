@testable import CairnTriggers
import Foundation
import Testing

@Suite struct WebhookSlackTests {
    /// Slack's documented example (spec/webhooks.md §4.4), recomputed with openssl.
    static let secret = "8f742231b10e8888abcd99yyyzzz85a5"
    static let timestamp = "1531420618"
    static let body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
    static let signature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"

    func request(signature: String = Self.signature, receivedAt: Date = Date(timeIntervalSince1970: 1_531_420_618 + 12)) -> WebhookRequest {
        WebhookRequest(body: Data(Self.body.utf8),
                       headers: [("X-Slack-Request-Timestamp", Self.timestamp), ("X-Slack-Signature", signature)],
                       receivedAt: receivedAt)
    }

    @Test func documentedVectorVerifiesWithoutADeliveryID() throws {
        let delivery = try WebhookVerifier(scheme: .slack, secrets: [Self.secret]).verify(request())
        #expect(delivery == VerifiedDelivery(deliveryID: nil, timestamp: Date(timeIntervalSince1970: 1_531_420_618), secretIndex: 0))
    }

    @Test func testSignerReproducesTheDocumentedVector() {
        let headers = SchemeFixture.named("slack").sign(Self.secret, Data(Self.body.utf8), 1_531_420_618)
        #expect(headers.first { $0.name == "X-Slack-Signature" }?.value == Self.signature)
    }

    @Test func documentedVectorIsStaleAnHourLater() throws {
        let verifier = try WebhookVerifier(scheme: .slack, secrets: [Self.secret])
        let late = request(receivedAt: Date(timeIntervalSince1970: 1_531_420_618 + 3600))
        let refused = refusal { () throws(WebhookRefusal) in try verifier.verify(late) }
        #expect(refused?.reason == "timestamp outside tolerance (3600s old, tolerance 300s)")
    }

    @Test func eventIDOfAnEventsAPIBodyIsTheDeliveryID() throws {
        let fixture = SchemeFixture.named("slack")
        let body = Data(#"{"type":"event_callback","event_id":"Ev08MFMKH6","event":{"type":"app_mention"}}"#.utf8)
        #expect(try fixture.verifier().verify(fixture.request(body)).deliveryID == "Ev08MFMKH6")
    }

    @Test func urlVerificationHandshakeHasNoDeliveryID() throws {
        let fixture = SchemeFixture.named("slack")
        let body = Data(#"{"type":"url_verification","challenge":"3eZbrw1aB"}"#.utf8)
        #expect(try fixture.verifier().verify(fixture.request(body)).deliveryID == nil)
    }

    @Test func missingTimestampHeaderIsRefused() throws {
        let verifier = try WebhookVerifier(scheme: .slack, secrets: [Self.secret])
        let request = request().replacing("X-Slack-Request-Timestamp", with: nil)
        #expect(refusal { () throws(WebhookRefusal) in try verifier.verify(request) }?.reason == "missing header X-Slack-Request-Timestamp")
    }

    @Test(arguments: [
        "v1=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
        "a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
        "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b50",
        "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b5g3",
        "v0=",
    ])
    func malformedSignatureIsRefused(_ value: String) throws {
        let verifier = try WebhookVerifier(scheme: .slack, secrets: [Self.secret])
        let request = request(signature: value)
        #expect(refusal { () throws(WebhookRefusal) in try verifier.verify(request) }?.code == .malformedHeader)
    }
}
