@testable import CairnApp
import CairnServer
import Testing

/// The search route reads `q` from the raw query string the way HTML forms and `curl
/// --data-urlencode` write it.
@Suite struct IndexRoutesTests {
    @Test(arguments: [
        ("q=a+b", "a b"), ("q=a%2Bb", "a+b"), ("q=c%2B%2B+templates", "c++ templates"), ("k=5&q=%E2%9C%93+done&mode=keyword", "✓ done"),
        ("q=", ""), ("q", ""), ("x=1&q=first&q=second", "first"), ("%71=encoded+key", "encoded key"),
    ])
    func formValuesDecodePlusAsASpaceAndPercentTwoBAsAPlus(query: String, expected: String) throws {
        #expect(try IndexRoutes.formValue("q", in: query) == expected)
    }

    @Test func aMissingValueIsNilAndABrokenOneIsRefusedSayingSo() throws {
        #expect(try IndexRoutes.formValue("q", in: nil) == nil)
        #expect(try IndexRoutes.formValue("q", in: "k=5") == nil)
        for broken in ["q=%E2%9C", "q=100%", "q=%ZZ"] {            // a cut-off UTF-8 sequence, a bare %, not hex
            let error = #expect(throws: APIError.self) { try IndexRoutes.formValue("q", in: broken) }
            #expect(error?.message.contains("not valid percent-encoded") == true, "\(broken)")
        }
    }
}
