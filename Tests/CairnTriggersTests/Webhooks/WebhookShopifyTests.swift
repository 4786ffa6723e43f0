@testable import CairnTriggers
import Foundation
import Testing

@Suite struct WebhookShopifyTests {
    static let secret = "shpss_cairnTestShopify"
    static let body = #"{"id":820982911946154508,"email":"jon@example.com"}"#
    /// `printf '<body>' | openssl dgst -sha256 -hmac 'shpss_cairnTestShopify' -binary | base64`.
    static let signature = "JVUydsORPy6loEjHldEjA+jcbZ2d4tiFtXSJvRBwCnI="

    func verify(_ signature: String) throws -> Result<VerifiedDelivery, WebhookRefusal> {
        let verifier = try WebhookVerifier(scheme: .shopify, secrets: [Self.secret])
        let request = WebhookRequest(body: Data(Self.body.utf8),
                                     headers: [("X-Shopify-Hmac-Sha256", signature), ("X-Shopify-Webhook-Id", "b54557e4"), ("X-Shopify-Topic", "orders/create")],
                                     receivedAt: WebhookClock.now)
        return Result { () throws(WebhookRefusal) in try verifier.verify(request) }
    }

    @Test func opensslVectorVerifiesAndWebhookIdIsTheDeliveryID() throws {
        #expect(try verify(Self.signature).get() == VerifiedDelivery(deliveryID: "b54557e4", timestamp: nil, secretIndex: 0))
    }

    @Test func testSignerReproducesTheOpensslVector() {
        let headers = SchemeFixture.named("shopify").sign(Self.secret, Data(Self.body.utf8), 0)
        #expect(headers[0].value == Self.signature)
    }

    @Test(arguments: [
        ("JVUydsORPy6loEjHldEjA+jcbZ2d4tiFtXSJvRBwCnI", "has 43 characters"),
        ("JVUydsORPy6loEjHldEjA+jcbZ2d4tiFtXSJvRBwCn!=", "not valid base64"),
        ("JVUydsORPy6loEjHldEjA-jcbZ2d4tiFtXSJvRBwCnI=", "not valid base64"),
        ("JVUydsORPy6loEjHldEjA+jcbZ2d4tiFtXSJvRBwC===", "not valid base64"),
        ("2555327...", "has 10 characters"),
        ("25553276c3913f2ea5a048c795d12303e8dc6d9d9de2d885b574898d10700a72", "has 64 characters"),
    ])
    func malformedSignatureIsRefused(_ signature: String, _ says: String) throws {
        let refused = try verify(signature).refusal
        #expect(refused?.code == .malformedHeader)
        #expect(refused?.reason.contains(says) == true, "\(refused?.reason ?? "accepted")")
    }
}
