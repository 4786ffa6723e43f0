import Cairn
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

/// The hand-written JSON of answers and stored headers parses back to what went in.
@Suite struct JSONTextTests {
    @Test func escapesQuotesBackslashesAndControlCharacters() throws {
        let tricky = "a\"b\\c\nd\u{1}e\u{7F}é💥/"
        let text = JSONText.object([("z", "last"), ("k", tricky)])
        #expect(text.hasPrefix(#"{"k":"#))
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String])
        #expect(parsed == ["k": tricky, "z": "last"])
        #expect(JSONText.quoted("\u{1F}") == #""\u001f""#)
    }

    @Test func aDuplicateAnswerLeadsWithItsFlag() throws {
        let answer = HookAnswer.json(200, [("instance", "i-1")], duplicate: true)
        #expect(answer.text == #"{"duplicate":true,"instance":"i-1"}"#)
        #expect(HookAnswer.json(200, [], duplicate: true).text == #"{"duplicate":true}"#)
        #expect(HookAnswer.error(401, "unauthorized", "No.").text == #"{"error":{"code":"unauthorized","message":"No."}}"#)
    }
}
