@testable import CairnTriggers
import Foundation
import Testing

@Suite struct WebhookGitHubTests {
    static let secret = "It's a Secret to Everybody"
    /// GitHub's documented example (spec/webhooks.md §4.1), recomputed with
    /// `printf 'Hello, World!' | openssl dgst -sha256 -hmac "It's a Secret to Everybody"`.
    static let documented = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"

    func request(_ signature: String?, body: String = "Hello, World!", extra: [(name: String, value: String)] = []) -> WebhookRequest {
        let signature = signature.map { [(name: "X-Hub-Signature-256", value: $0)] } ?? []
        return WebhookRequest(body: Data(body.utf8), headers: signature + extra, receivedAt: WebhookClock.now)
    }

    func refused(_ request: WebhookRequest) throws -> WebhookRefusal? {
        let verifier = try WebhookVerifier(scheme: .github, secrets: [Self.secret])
        return refusal { () throws(WebhookRefusal) in try verifier.verify(request) }
    }

    @Test func documentedVectorVerifies() throws {
        let verifier = try WebhookVerifier(scheme: .github, secrets: [Self.secret])
        let delivery = try verifier.verify(request(Self.documented, extra: [("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")]))
        #expect(delivery == VerifiedDelivery(deliveryID: "72d3162e-cc78-11e3-81ab-4c9367dc0958", timestamp: nil, secretIndex: 0))
    }

    @Test func testSignerReproducesTheDocumentedVector() {
        let headers = SchemeFixture.named("github").sign(Self.secret, Data("Hello, World!".utf8), 0)
        #expect(headers.first { $0.name == "X-Hub-Signature-256" }?.value == Self.documented)
    }

    @Test func upperCaseHexIsTheSameSignature() throws {
        let upper = "sha256=" + Self.documented.dropFirst(7).uppercased()
        _ = try WebhookVerifier(scheme: .github, secrets: [Self.secret]).verify(request(upper))
    }

    @Test func deliveryWithoutDeliveryHeaderHasNoID() throws {
        let delivery = try WebhookVerifier(scheme: .github, secrets: [Self.secret]).verify(request(Self.documented))
        #expect(delivery.deliveryID == nil)
    }

    @Test func twoDifferentDeliveryIDsAreRefused() throws {
        let refused = try refused(request(Self.documented, extra: [("X-GitHub-Delivery", "a"), ("x-github-delivery", "b")]))
        #expect(refused?.code == .ambiguousHeader)
        #expect(refused?.reason == "header X-GitHub-Delivery appears 2 times with different values")
    }

    @Test func legacySHA1HeaderAloneIsRefusedAndSaysSo() throws {
        let refused = try refused(request(nil, extra: [("X-Hub-Signature", "sha1=0123")]))
        #expect(refused?.code == .missingHeader)
        #expect(refused?.reason == "missing header X-Hub-Signature-256 (the legacy SHA-1 X-Hub-Signature is not accepted)")
    }

    @Test(arguments: [
        ("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1", "odd number of digits"),
        ("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e", "has 62 digits"),
        ("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043ezz", "not a hex digit"),
        ("sha1=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", "expected sha256="),
        ("757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", "expected sha256="),
        ("sha256=", "has 0 digits"),
        ("SHA256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", "expected sha256="),
    ])
    func malformedSignatureHeaderIsRefused(_ value: String, _ says: String) throws {
        let refused = try refused(request(value))
        #expect(refused?.code == .malformedHeader)
        #expect(refused?.reason.hasPrefix("malformed signature header X-Hub-Signature-256: ") == true)
        #expect(refused?.reason.contains(says) == true, "\(refused?.reason ?? "")")
    }
}
