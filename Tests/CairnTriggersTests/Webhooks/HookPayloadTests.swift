@testable import Cairn
@testable import CairnTriggers
import Foundation
import Testing

/// How a verified body becomes an action's input, by its declared media type.
@Suite struct HookPayloadTests {
    @Test(arguments: ["application/json", "Application/JSON; charset=utf-8", " \tapplication/json \t; charset=utf-8",
                      "application/vnd.api+json"])
    func aDeclaredJSONBodyIsParsed(contentType: String) throws {
        let payload = try HookPayload(body: Data(#"{"a":1}"#.utf8), contentType: contentType)
        #expect(payload.json == ["a": 1])
        #expect(payload.value == ["a": 1])
    }

    @Test(arguments: ["application/json", "APPLICATION/JSON ; charset=utf-8", "text/x+json"])
    func aDeclaredJSONBodyThatIsNotJSONIsRefused(contentType: String) {
        #expect(throws: HookPayload.Refusal.self) { try HookPayload(body: Data("not json".utf8), contentType: contentType) }
    }

    @Test func textIsKeptUnderBodyAndUndeclaredJSONIsParsed() throws {
        let text = try HookPayload(body: Data("a=1&b=2".utf8), contentType: " text/plain ")
        #expect(text.json == nil)
        #expect(text.value == ["body": "a=1&b=2"])
        // A JSON body declared as text stays text.
        #expect(try HookPayload(body: Data("[1]".utf8), contentType: "text/plain").value == ["body": "[1]"])
        // No content type at all: JSON when it parses.
        #expect(try HookPayload(body: Data("[1]".utf8), contentType: nil).json == [1])
        #expect(try HookPayload(body: Data("[1]".utf8), contentType: "").json == [1])
        // Parameters without a media type declare nothing: not JSON, so text is kept as text.
        #expect(try HookPayload(body: Data("not json".utf8), contentType: ";application/json").value == ["body": "not json"])
        #expect(try HookPayload(body: Data("[1]".utf8), contentType: " ; charset=utf-8").json == [1])
    }

    @Test func theMediaTypeIsTrimmedOfHTTPSpaceOnly() throws {
        #expect(WebhookRequest.trimmed(" \t a b \t ") == "a b")
        #expect(WebhookRequest.trimmed("\nx\n") == "\nx\n")
        #expect(WebhookRequest.trimmed(" \t ") == "")
        #expect(WebhookRequest.trimmed("") == "")
        // A no-break space is not HTTP white space: the media type is then not JSON's.
        #expect(WebhookRequest.trimmed("\u{00A0}x\u{00A0}") == "\u{00A0}x\u{00A0}")
        #expect(try HookPayload(body: Data("not json".utf8), contentType: "\u{00A0}application/json").value == ["body": "not json"])
    }
}
