@testable import CairnTriggers
import Foundation
import Testing

/// What the verifier accepts as settings, and that it never shows its secrets.
@Suite struct WebhookVerifierSetupTests {
    static func configError(_ make: () throws -> WebhookVerifier) -> TriggerError? {
        do { _ = try make(); return nil } catch { return error as? TriggerError }
    }

    @Test(arguments: WebhookScheme.allCases.filter { $0 != .hmacSHA256 })
    func atLeastOneSecretIsRequired(_ scheme: WebhookScheme) {
        let error = Self.configError { try WebhookVerifier(scheme: scheme, secrets: []) }
        #expect(error?.code == .invalidHook)
        #expect(error?.message == "A \(scheme.rawValue) hook needs at least one secret; during a rotation list the new and the old one.")
    }

    @Test func emptySecretIsNamedByPosition() {
        let error = Self.configError { try WebhookVerifier(scheme: .github, secrets: ["a", ""]) }
        #expect(error?.message == "Secret number 2 of the github hook is empty; set it to the signing secret the sender shows.")
    }

    @Test func negativeToleranceIsRefused() {
        #expect(Self.configError { try WebhookVerifier(scheme: .slack, secrets: ["s"], tolerance: .seconds(-1)) }?.code == .invalidHook)
    }

    @Test func aToleranceOverAnHourIsRefused() throws {
        #expect(Self.configError { try WebhookVerifier(scheme: .slack, secrets: ["s"], tolerance: .seconds(3601)) }?.code == .invalidHook)
        let hour = try WebhookVerifier(scheme: .slack, secrets: ["s"], tolerance: .seconds(3600))
        #expect(hour.tolerance == .seconds(3600))
    }

    @Test func aStripeSecretMustBeTheWholeSigningSecret() {
        let error = Self.configError { try WebhookVerifier(scheme: .stripe, secrets: ["whsec_ok", "sk_live_123"]) }
        #expect(error?.message.hasPrefix("Secret number 2 of the stripe hook does not start with 'whsec_'") == true)
    }

    @Test func aStandardKeyMustDecodeTo24To64Bytes() throws {
        let short = "whsec_" + Data(repeating: 7, count: 16).base64EncodedString()
        let error = Self.configError { try WebhookVerifier(scheme: .standard, secrets: [short]) }
        #expect(error?.message.contains("decodes to 16 bytes") == true)
        let long = "whsec_" + Data(repeating: 7, count: 65).base64EncodedString()
        #expect(Self.configError { try WebhookVerifier(scheme: .standard, secrets: [long]) }?.code == .invalidHook)
        _ = try WebhookVerifier(scheme: .standard, secrets: ["whsec_" + Data(repeating: 7, count: 24).base64EncodedString()])
    }

    @Test func signingHeadersAreWhatTheSchemeReads() throws {
        #expect(try WebhookVerifier(scheme: .standard, secrets: ["whsec_" + Data(repeating: 1, count: 32).base64EncodedString()]).signingHeaders
            == ["webhook-id", "webhook-timestamp", "webhook-signature"])
        let custom = WebhookVerifier.CustomHMAC(signatureHeader: "X-Sig", timestampHeader: "X-TS", signedTemplate: "{timestamp}.{body}")
        #expect(try WebhookVerifier(scheme: .hmacSHA256, secrets: ["s"], custom: custom).signingHeaders == ["x-sig", "x-ts"])
    }

    @Test func customSettingsBelongToHmacSHA256Only() {
        let custom = WebhookVerifier.CustomHMAC(signatureHeader: "X-Sig")
        #expect(Self.configError { try WebhookVerifier(scheme: .github, secrets: ["s"], custom: custom) }?.code == .invalidHook)
        #expect(Self.configError { try WebhookVerifier(scheme: .hmacSHA256, secrets: ["s"]) }?.code == .invalidHook)
    }

    @Test func schemeNamesAreTheConfigSpellings() {
        #expect(WebhookScheme.allCases.map(\.rawValue) == ["github", "stripe", "standard", "slack", "shopify", "hmac-sha256"])
        #expect(WebhookScheme(rawValue: "hmac-sha256") == .hmacSHA256)
    }

    @Test func descriptionAndDumpNeverShowSecrets() throws {
        let secret = "whsec_cairnTestStripeSecret0001"
        let verifier = try WebhookVerifier(scheme: .stripe, secrets: [secret, "whsec_second"])
        #expect("\(verifier)" == "WebhookVerifier(scheme: stripe, secrets: 2, tolerance: 300s)")
        var dumped = ""
        dump(verifier, to: &dumped)
        #expect(!dumped.contains("cairnTestStripeSecret"))
        #expect(!String(reflecting: verifier).contains("cairnTestStripeSecret"))
    }
}
