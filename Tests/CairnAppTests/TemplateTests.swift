import Cairn
@testable import CairnApp
import Foundation
import Testing

/// The pipeline template syntax: types kept, text rendering, filters, missing values,
/// escaping, and single-pass substitution.
@Suite struct TemplateTests {
    static let scope = TemplateScope(
        params: ["user": ["name": "Ada", "email": "ada@example.com", "tags": ["a", "b"]], "count": 3, "zero": 0, "nothing": .null],
        event: ["payload": ["plan": "pro"], "instance_id": "i-1", "workflow": "signup", "timestamp": "2026-12-02T10:00:00Z"],
        outputs: ["fetch": ["status": 200, "body": ["items": [["id": 7], ["id": 8]]], "note": "{{ params.user.name }}"]],
        secrets: ["api_token": "s3cret"]
    )

    private func render(_ text: String) throws -> JSONValue {
        try Template.parse(text).render(in: Self.scope)
    }

    @Test func anHTMLArgumentEscapesWhatItSubstitutesUnlessTripleBraced() throws {
        let scope = TemplateScope(params: ["name": "<b>Ada & \"Bob\" 'C'</b>", "count": 3])
        let value = try TemplateValue.parse(["html": "<p>{{ params.name }} | {{{ params.name }}} | {{ params.count }}</p>", "subject": "Hi {{ params.name }}",
                                             "only": "{{ params.name }}"], htmlKeys: ["html"])
        let rendered = try value.render(in: scope)
        #expect(rendered["html"] == "<p>&lt;b&gt;Ada &amp; &quot;Bob&quot; &#39;C&#39;&lt;/b&gt; | <b>Ada & \"Bob\" 'C'</b> | 3</p>")
        #expect(rendered["subject"] == "Hi <b>Ada & \"Bob\" 'C'</b>")         // other arguments are not HTML
        #expect(rendered["only"] == "<b>Ada & \"Bob\" 'C'</b>")
        // A lone expression in html is text, escaped, not the value's JSON type.
        #expect(try TemplateValue.parse(["html": "{{ params.name }}"], htmlKeys: ["html"]).render(in: scope)["html"] == "&lt;b&gt;Ada &amp; &quot;Bob&quot; &#39;C&#39;&lt;/b&gt;")
        #expect(throws: TemplateError.self) { try Template.parse("{{{ params.name }}", html: true) }
    }

    @Test func aStringThatIsOneExpressionKeepsTheValuesType() throws {
        #expect(try render("{{ params.count }}") == .int(3))
        #expect(try render("{{params.user.tags}}") == ["a", "b"])
        #expect(try render("{{ steps.fetch.output.body.items[1].id }}") == .int(8))
        #expect(try render("{{ steps.fetch.status }}") == .int(200))       // short for steps.fetch.output.status
        #expect(try render("{{ params.user }}") == ["name": "Ada", "email": "ada@example.com", "tags": ["a", "b"]])
        #expect(try render("{{ event.payload.plan }}") == "pro")
        #expect(try render("{{ secrets.api_token }}") == "s3cret")
        #expect(try render(#"{{ params.user["name"] }}"#) == "Ada")
    }

    @Test func expressionsInsideTextRenderAsText() throws {
        #expect(try render("Hello {{ params.user.name }}, {{ params.count }} new") == "Hello Ada, 3 new")
        #expect(try render("tags={{ params.user.tags }}") == #"tags=["a","b"]"#)
        #expect(try render("[{{ params.nothing }}]") == "[]")
        #expect(try render("no templates here") == "no templates here")
    }

    @Test func filtersSupplyDefaultsJSONTextAndURLEncoding() throws {
        #expect(try render(#"{{ params.missing | default("n/a") }}"#) == "n/a")
        #expect(try render("{{ params.nothing | default(5) }}") == .int(5))
        #expect(try render("{{ params.zero | default(5) }}") == .int(0))
        #expect(try render("{{ params.user.tags | json }}") == #"["a","b"]"#)
        #expect(try render("q={{ params.user.email | urlencode }}") == "q=ada%40example.com")
        #expect(try render(#"{{ params.missing | default("a b") | urlencode }}"#) == "a%20b")
    }

    @Test func aMissingValueFailsWithItsPath() {
        for (text, path) in [("{{ params.user.phone }}", "params.user.phone"), ("{{ steps.later.output }}", "steps.later.output"),
                             ("x {{ params.user.tags[5] }}", "params.user.tags[5]"), ("{{ secrets.nope }}", "secrets.nope")] {
            do {
                _ = try render(text)
                Issue.record("\(text) rendered \(String(describing: try? render(text)))")
            } catch {
                #expect((error as? TemplateError)?.message.hasPrefix("\(path) is missing") == true, "\(error)")
            }
        }
    }

    @Test func escapedBracesStayLiteralAndRenderedValuesAreNeverScannedAgain() throws {
        #expect(try render(#"\{{ not a template }}"#) == "{{ not a template }}")
        #expect(try render(#"a \{{ b {{ params.count }}"#) == "a {{ b 3")
        // The output holds "{{ params.user.name }}": it arrives as text, not as Ada.
        #expect(try render("{{ steps.fetch.output.note }}") == "{{ params.user.name }}")
        #expect(try render("note: {{ steps.fetch.output.note }}") == "note: {{ params.user.name }}")
    }

    static let malformed: [(String, Int, String)] = [
        ("{{ params.name", 1, "never closed"),
        ("{{ }}", 4, "expected a path"),
        ("{{ env.HOME }}", 7, "not where a path can start"),
        ("{{ params. }}", 11, "expected a key after '.'"),
        ("{{ params.x | upper }}", 20, "'upper' is not a filter"),
        ("{{ params.x | default(oops) }}", 23, "needs a JSON value"),
        ("{{ steps.fetch }}", 4, "steps.<name>.output"),
        ("{{ params.x[abc] }}", 13, "expected a number"),
        ("{{ event.body }}", 4, "event has payload"),
        ("{{ params.a params.b }}", 13, "expected '|'"),
    ]

    @Test(arguments: malformed)
    func aTemplateThatDoesNotParseSaysWhereAndWhy(_ text: String, _ column: Int, _ mention: String) {
        do {
            _ = try Template.parse(text)
            Issue.record("\(text) parsed")
        } catch {
            #expect(error.column == column && error.message.contains(mention), "\(text): \(error)")
        }
    }

    @Test func argumentTablesAreSubstitutedStructurally() throws {
        let with: JSONValue = ["url": "https://api.example.com/u/{{ params.user.name | urlencode }}", "json": ["ids": "{{ steps.fetch.output.body.items }}", "n": 1],
                               "headers": ["Authorization": "Bearer {{ secrets.api_token }}"]]
        let value = try TemplateValue.parse(with)
        let rendered = try value.render(in: Self.scope)
        #expect(rendered["url"] == "https://api.example.com/u/Ada")
        #expect(rendered["json"]?["ids"] == [["id": 7], ["id": 8]])
        #expect(rendered["json"]?["n"] == .int(1))
        #expect(rendered["headers"]?["Authorization"] == "Bearer s3cret")
        #expect(Set(value.paths().map(\.key)) == ["url", "json.ids", "headers.Authorization"])
        let error = try #require(throws: TemplateError.self) { try TemplateValue.parse(["json": ["bad": "{{ params."]]) }
        #expect(error.message.hasPrefix("json.bad: ") && error.column == 1, "\(error)")
    }
}

/// Any text is parsed or refused with a column, never a trap.
@Suite struct TemplateFuzzTests {
    @Test func randomTextNeverCrashesTheParserOrTheRenderer() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("{}|\\\"[]().a0 params.steps.output default json urlencode secrets event payload 7")
        for _ in 0..<20_000 {
            let text = String((0..<Int.random(in: 0...24, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            if let template = try? Template.parse(text) {
                _ = try? template.render(in: TemplateTests.scope)
            }
        }
    }
}
