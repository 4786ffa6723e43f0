@testable import Cairn
@testable import CairnTriggers
import Foundation
import Testing

/// How a verified body becomes an action's input, by its declared media type.
@Suite struct HookPayloadTests {
    @Test(arguments: ["application/json", "Application/JSON; charset=utf-8", " \tapplication/json \t; charset=utf-8",
                      "application/vnd.api+json", "\u{00A0}application/json\u{00A0}"])
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

    @Test func whatCountsAsSpaceIsFoundationsWhitespaceSetOnEveryScalarBelowU3100() {
        // U+3000 is the last space separator; above it Foundation's set has none.
        for value in 0..<0x3100 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            #expect(HookPayload.isSpace(scalar) == CharacterSet.whitespaces.contains(scalar), "U+\(String(value, radix: 16))")
        }
        #expect(HookPayload.trimmed("\u{200B}\u{3000}x\u{2003}") == "x")
    }

    @Test func trimmingRemovesSpacesAndTabsOnly() {
        #expect(HookPayload.trimmed(" \t a b \t ") == "a b")
        #expect(HookPayload.trimmed("\u{2003}x\u{3000}") == "x")
        #expect(HookPayload.trimmed("\nx\n") == "\nx\n")
        #expect(HookPayload.trimmed(" \t ") == "")
        #expect(HookPayload.trimmed("") == "")
    }
}
