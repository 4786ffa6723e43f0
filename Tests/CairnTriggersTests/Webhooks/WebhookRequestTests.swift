@testable import CairnTriggers
import Foundation
import Testing

@Suite struct WebhookRequestTests {
    func request(_ headers: [(name: String, value: String)]) -> WebhookRequest {
        WebhookRequest(body: Data(), headers: headers, receivedAt: WebhookClock.now)
    }

    @Test func lookupIgnoresASCIICaseAndSurroundingWhitespace() throws {
        let request = request([("x-hub-SIGNATURE-256", " \tsha256=ab \t")])
        #expect(try request.header("X-Hub-Signature-256") == "sha256=ab")
        #expect(try request.header("X-Hub-Signature") == nil)
    }

    @Test func nonASCIICaseFoldingDoesNotMatch() throws {
        // "K" (Kelvin sign, U+212A) lowercases to "k" in Unicode but is not the ASCII letter.
        #expect(try request([("X-Slac\u{212A}-Signature", "v0=")]).header("X-Slack-Signature") == nil)
    }

    @Test func repeatedIdenticalValuesAreOneValue() throws {
        #expect(try request([("Webhook-Id", "msg_1"), ("webhook-id", "msg_1 ")]).header("webhook-id") == "msg_1")
    }

    @Test func repeatedDifferentValuesAreRefused() {
        let request = request([("webhook-id", "msg_1"), ("X-Other", "x"), ("WEBHOOK-ID", "msg_2"), ("webhook-id", "msg_1")])
        #expect(throws: WebhookRefusal(.ambiguousHeader, "header webhook-id appears 3 times with different values")) {
            try request.header("webhook-id")
        }
    }

    @Test func emptyRequiredHeaderIsMissing() {
        #expect(throws: WebhookRefusal(.missingHeader, "header webhook-id is empty")) {
            try request([("webhook-id", "  ")]).requiredHeader("webhook-id")
        }
    }
}
