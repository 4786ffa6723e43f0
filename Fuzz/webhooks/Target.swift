import Foundation

/// libFuzzer target: webhook signature headers of every scheme. The first byte picks the
/// scheme; the rest is split at 0x00 bytes into header values and a body. Verifying must
/// answer a delivery or a WebhookRefusal, never crash; a random input that verifies would be
/// a forgery, so it stops the run.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWebhooks(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let selector = bytes.first else { return 0 }
    let parts = bytes.dropFirst().split(separator: 0, maxSplits: 6, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    func part(_ index: Int) -> String { index < parts.count ? parts[index] : "" }
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let verifiers = Verifiers.all
    let (name, verifier) = verifiers[Int(selector) % verifiers.count]
    var headers: [(name: String, value: String)] = []
    for (index, header) in Verifiers.headerNames.enumerated() where !part(index).isEmpty {
        headers.append((header, part(index)))
    }
    // Now and then the same header twice, which must be refused as ambiguous or agree.
    if selector & 0x80 != 0, let first = headers.first { headers.append((first.name, part(5))) }
    let request = WebhookRequest(body: Data(part(6).utf8), headers: headers, receivedAt: now)
    if let delivery = try? verifier.verify(request) {
        fatalError("a fuzzed \(name) delivery verified without the secret: \(headers) \(delivery)")
    }
    return 0
}

/// One verifier per scheme, made once.
enum Verifiers {
    static let headerNames = ["X-Hub-Signature-256", "Stripe-Signature", "webhook-signature", "X-Slack-Signature", "X-Signature"]

    static let all: [(String, WebhookVerifier)] = {
        var made: [(String, WebhookVerifier)] = []
        let secret = "whsec_" + Data("fuzzing-secret-0123456789".utf8).base64EncodedString()
        for scheme in [WebhookScheme.github, .stripe, .standard, .slack, .shopify] {
            if let verifier = try? WebhookVerifier(scheme: scheme, secrets: [scheme == .standard || scheme == .stripe ? secret : "fuzzing-secret"]) {
                made.append(("\(scheme)", verifier))
            }
        }
        let custom = WebhookVerifier.CustomHMAC(signatureHeader: "X-Signature", prefix: "sha256=", encoding: .hex, timestampHeader: "webhook-signature",
                                                signedTemplate: "{timestamp}.{body}", idHeader: "X-Slack-Signature")
        if let verifier = try? WebhookVerifier(scheme: .hmacSHA256, secrets: ["fuzzing-secret"], custom: custom) { made.append(("hmac-sha256", verifier)) }
        precondition(made.count == 6, "a verifier could not be made")
        return made
    }()
}
