@testable import Cairn
import CairnTesting
import Foundation
import Testing

/// The stored-JSON codec against Foundation's `JSONEncoder.cairn`/`JSONDecoder.cairn`: the
/// same bytes out, the same values back, the same refusals.
@Suite struct StoredJSONCodecTests {
    typealias S = CodecSamples

    /// Both encoders write the same bytes, both decoders read them as the same value, and
    /// (unless the type itself does not round-trip, as `JSONValue.number(1e17)` reads back as
    /// an `int`) that value is the one encoded.
    func expectSameBytes<T: Codable & Equatable>(_ value: T, roundTrips: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let foundation = try JSONEncoder.cairn.encode(value)
        let ours = try StoredJSONEncoder.encode(value)
        #expect(String(decoding: ours, as: UTF8.self) == String(decoding: foundation, as: UTF8.self), sourceLocation: sourceLocation)
        let decoded = try StoredJSONDecoder.decode(T.self, from: foundation)
        #expect(try decoded == JSONDecoder.cairn.decode(T.self, from: foundation), sourceLocation: sourceLocation)
        if roundTrips { #expect(decoded == value, sourceLocation: sourceLocation) }
    }

    @Test func everyKindOfValueEncodesToFoundationsBytesAndDecodesBack() throws {
        try expectSameBytes(S.Small(index: 7, ok: true))
        try expectSameBytes(S.Everything())
        try expectSameBytes(S.Derived(base: "b", extra: 2))
        try expectSameBytes([S.Derived(base: "x", extra: 1)])
        try expectSameBytes(S.HandWritten(values: [3, 1, 2], label: "l"))
        try expectSameBytes([S.Silent()])
        try expectSameBytes(["nested": S.Silent()])
        try expectSameBytes(S.Choice.labelled(name: "a", count: 1))
    }

    @Test(arguments: [
        0.0, -0.0, 1, -1, 0.1, 1.5, 100, 1e15, 1e16, 1e-7, 5e-324, 2.2250738585072014e-308,
        123_456_789_012_345_678, 1.7976931348623157e308, 9_007_199_254_740_993, 0.30000000000000004, -123.456e-30,
    ])
    func numbersAtTheirEdgesWriteAsFoundationDoes(_ value: Double) throws {
        try expectSameBytes(value)
        try expectSameBytes(Float(value).isFinite ? Float(value) : 0)
        try expectSameBytes(["k": value])
    }

    @Test func scalarsAtTheTopLevelWriteAsFoundationDoes() throws {
        try expectSameBytes(Int64.min)
        try expectSameBytes(UInt64.max)
        try expectSameBytes(true)
        try expectSameBytes("top \"level\" / string")
        try expectSameBytes(String?.none)
        try expectSameBytes(Date(timeIntervalSince1970: 0))
        try expectSameBytes(Data())
        try expectSameBytes(Decimal(string: "-0.000000000000000000000000000000000001")!)
        try expectSameBytes([Int]())
        try expectSameBytes([String: Int]())
        try expectSameBytes(JSONValue.object(["z": .int(1), "a": .number(0.5)]))
    }

    @Test func everyStringOfTheFirstScalarsAndSomeBeyondWritesAsFoundationDoes() throws {
        var text = ""
        for value in 0..<0x250 { text.unicodeScalars.append(Unicode.Scalar(value)!) }
        text += "\u{2028}\u{2029}\u{FEFF}\u{FFFD}\u{10FFFF}🇸🇪👩‍👩‍👧"
        try expectSameBytes(text)
        try expectSameBytes([text: text])
    }

    /// The string writer copies runs without an escape whole: escapes first, last, back to
    /// back and alone, and strings with none at all.
    @Test(arguments: ["", "\"", "a\\", "\\a", "\u{0}", "\u{1f}x", "x\u{1f}", "é\n", "plain", "\"\"\\\n\t", "a\"b\\c\u{7f}d/é\r", String(repeating: "ab", count: 300) + "\n"])
    func stringsWithEscapesAnywhereWriteAsFoundationDoes(_ text: String) throws {
        try expectSameBytes(text)
        try expectSameBytes([text: [text]])
    }

    @Test func randomValuesEncodeAsFoundationDoes() throws {
        var generator = SplitMix64(seed: 16)
        for _ in 0..<300 {
            try expectSameBytes(JSONValue.random(depth: 4, using: &generator), roundTrips: false)
        }
    }

    @Test func nonFiniteNumbersAndSilentTopLevelValuesAreRefusedLikeFoundation() {
        for value in [Double.nan, .infinity, -.infinity] {
            #expect(throws: EncodingError.self) { try StoredJSONEncoder.encode(value) }
            #expect(throws: EncodingError.self) { try StoredJSONEncoder.encode(["k": [value]]) }
            #expect(throws: EncodingError.self) { try JSONEncoder.cairn.encode(["k": [value]]) }
        }
        #expect(throws: EncodingError.self) { try StoredJSONEncoder.encode(Float.nan) }
        #expect(throws: EncodingError.self) { try StoredJSONEncoder.encode(S.Silent()) }
        #expect(throws: EncodingError.self) { try JSONEncoder.cairn.encode(S.Silent()) }
    }

    @Test(arguments: [
        ("1.0", "1"), ("1e2", "100"), ("-0", "0"), (" 7 ", "7"), ("\n\t\r 7", "7"), ("0.0e5", "0"), ("-0.0", "0"),
        ("-8.966255865627028e+18", "-8966255865627028000"), ("1.5e1", "15"), ("1500e-2", "15"),
    ])
    func wholeNumbersReadAsIntegersLikeFoundation(_ text: String, _ expected: String) throws {
        #expect(String(try StoredJSONDecoder.decode(Int.self, from: Data(text.utf8))) == expected)
        #expect(String(try JSONDecoder.cairn.decode(Int.self, from: Data(text.utf8))) == expected)
    }

    /// Numbers at the edges of what a type holds get Foundation's answer, whatever it is:
    /// a workflow must see the number the API shows.
    @Test(arguments: [
        "9.223372036854775807e18", "-9.223372036854775808e18", "9.223372036854775808e18", "9007199254740993.5",
        "1.0000000000000001", "1e-400", "-1e-400", "1e400", "0e-400", "1e-50", "3.4028235e38", "3.5e38", "123456789012345678901234567890",
        "0." + String(repeating: "0", count: 100_000) + "1",
    ])
    func numbersAtTheEdgesReadAsFoundationReadsThem(_ text: String) {
        func same<T: Decodable & Equatable>(_ type: T.Type) {
            let ours = try? StoredJSONDecoder.decode(T.self, from: Data(text.utf8))
            let foundation = try? JSONDecoder.cairn.decode(T.self, from: Data(text.utf8))
            #expect(ours == foundation, "\(T.self) from \(text.prefix(40)): \(String(describing: ours)) against Foundation's \(String(describing: foundation))")
        }
        same(Int64.self)
        same(UInt64.self)
        same(Int.self)
        same(Double.self)
        same(Float.self)
        same(JSONValue.self)
        same(Decimal.self)
    }

    @Test func textOnlyFoundationAcceptsStillDecodes() throws {
        let bom = Data([0xEF, 0xBB, 0xBF] + Array(#"{"index": 1, "ok": true}"#.utf8))
        #expect(try StoredJSONDecoder.decode(S.Small.self, from: bom) == S.Small(index: 1, ok: true))
        #expect(try StoredJSONDecoder.decode([Int].self, from: Data("[1,2,]".utf8)) == JSONDecoder.cairn.decode([Int].self, from: Data("[1,2,]".utf8)))
        let utf16 = try #require(#"{"index": 2, "ok": false}"#.data(using: .utf16))
        #expect(try StoredJSONDecoder.decode(S.Small.self, from: utf16) == JSONDecoder.cairn.decode(S.Small.self, from: utf16))
    }

    /// Foundation's encoder writes 511 nested containers and refuses 512 (measured with
    /// `JSONEncoder.cairn`; it takes seconds at that depth, so the test pins the numbers).
    @Test func nestingIsRefusedAtFoundationsDepth() throws {
        func nested(_ depth: Int) -> (value: JSONValue, text: String) {
            var value = JSONValue.int(1)
            var text = "1"
            for index in 0..<depth {
                if index.isMultiple(of: 2) {
                    value = .array([value])
                    text = "[\(text)]"
                } else {
                    value = .object(["k": value])
                    text = #"{"k":\#(text)}"#
                }
            }
            return (value, text)
        }
        let deepest = nested(511)
        #expect(String(decoding: try StoredJSONEncoder.encode(deepest.value), as: UTF8.self) == deepest.text)
        #expect(try StoredJSONDecoder.decode(JSONValue.self, from: Data(deepest.text.utf8)) == deepest.value)
        #expect(throws: EncodingError.self) { try StoredJSONEncoder.encode(nested(512).value) }
    }

    @Test func wideIntegersEncodeAndDecodeAsFoundationDoes() throws {
        try expectSameBytes([Int128.min, Int128.max, 0])
        try expectSameBytes(["u": UInt128.max])
        for text in ["1.5e20", "170141183460469231731687303715884105727", "-170141183460469231731687303715884105729"] {
            #expect((try? StoredJSONDecoder.decode(Int128.self, from: Data(text.utf8))) == (try? JSONDecoder.cairn.decode(Int128.self, from: Data(text.utf8))))
        }
    }

    /// Asking twice for a nested container under one key fills one container, as in
    /// Foundation (which traps when the key holds a value of another kind).
    @Test func nestedContainersAskedForTwiceUnderOneKeyAreOne() throws {
        struct Twice: Encodable {
            enum Keys: String, CodingKey { case a, b, c }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Keys.self)
                var first = container.nestedContainer(keyedBy: Keys.self, forKey: .a)
                try first.encode(1, forKey: .b)
                var second = container.nestedContainer(keyedBy: Keys.self, forKey: .a)
                try second.encode(2, forKey: .c)
                var list = container.nestedUnkeyedContainer(forKey: .b)
                try list.encode(1)
                var again = container.nestedUnkeyedContainer(forKey: .b)
                try again.encode(2)
            }
        }
        #expect(String(decoding: try StoredJSONEncoder.encode(Twice()), as: UTF8.self) == #"{"a":{"b":1,"c":2},"b":[1,2]}"#)
        #expect(try StoredJSONEncoder.encode(Twice()) == JSONEncoder.cairn.encode(Twice()))
    }

    @Test(arguments: [
        "", " ", "1.5", "300", "1e400", "[1,2", "1 x", "01", "-", "1.", ".5", "\"a\tb\"", "\"\\ud83d\"", "\"\\udca5\"",
        "\"\\x\"", "\"\\u12\"", "tru", "nul", "[1,]", "{\"a\":1,}", "{a:1}", "NaN", "\"1\"", "true", "null", "[]",
        "{\"a\" 1}", "[1 2]", "1.05e1", "1e-1", "1.28e2", "-1.29e2", "1e99999999999", "\"unterminated", String(repeating: "[", count: 600) + String(repeating: "]", count: 600),
    ])
    func badTextOrTheWrongTypeIsADecodingError(_ text: String) {
        #expect(throws: DecodingError.self) { try StoredJSONDecoder.decode(Int8.self, from: Data(text.utf8)) }
    }

    @Test func invalidUTF8IsRefusedAndEscapesDecode() throws {
        #expect(throws: DecodingError.self) { try StoredJSONDecoder.decode(String.self, from: Data([0x22, 0xFF, 0x22])) }
        #expect(throws: DecodingError.self) { try StoredJSONDecoder.decode(String.self, from: Data([0x22, 0xC3, 0x22])) }
        let text = #""\"\\\/\b\f\n\r\t\u0041\u00e9\ud83d\udca5 plain é""#
        #expect(try StoredJSONDecoder.decode(String.self, from: Data(text.utf8)) == "\"\\/\u{8}\u{c}\n\r\tAé💥 plain é")
        #expect(try StoredJSONDecoder.decode(String.self, from: Data(text.utf8)) == JSONDecoder.cairn.decode(String.self, from: Data(text.utf8)))
    }

    @Test func decodingErrorsNameTheKeyAndWhatWasFound() throws {
        let missing = try #require(throws: DecodingError.self) { try StoredJSONDecoder.decode(S.Small.self, from: Data(#"{"index": 1}"#.utf8)) }
        guard case .keyNotFound(let key, _) = missing else { Issue.record("\(missing)"); return }
        #expect(key.stringValue == "ok")
        let wrong = try #require(throws: DecodingError.self) { try StoredJSONDecoder.decode([S.Small].self, from: Data(#"[{"index": "1", "ok": true}]"#.utf8)) }
        guard case .typeMismatch(_, let context) = wrong else { Issue.record("\(wrong)"); return }
        #expect(context.codingPath.map(\.stringValue) == ["Index 0", "index"])
        #expect(context.debugDescription.contains("found a string"))
        let null = try #require(throws: DecodingError.self) { try StoredJSONDecoder.decode(S.Small.self, from: Data(#"{"index": null, "ok": true}"#.utf8)) }
        guard case .valueNotFound = null else { Issue.record("\(null)"); return }
    }

    @Test func repeatedKeysKeepTheFirstValueLikeFoundation() throws {
        let text = Data(#"{"a": 1, "a": 2}"#.utf8)
        #expect(try StoredJSONDecoder.decode([String: Int].self, from: text) == ["a": 1])
        #expect(try JSONDecoder.cairn.decode([String: Int].self, from: text) == ["a": 1])
        var many = (0..<40).map { "\"k\($0)\": \($0)" }
        many.append(#""k3": 99"#)
        let large = Data("{\(many.joined(separator: ","))}".utf8)
        let decoded = try StoredJSONDecoder.decode([String: Int].self, from: large)
        #expect(decoded.count == 40 && decoded["k3"] == 3 && decoded["k39"] == 39)
    }

    @Test func aKeyEncodedTwiceKeepsTheLastValueInLargeAndSmallObjects() throws {
        struct Twice: Encodable {
            var count: Int
            struct Key: CodingKey {
                var stringValue: String
                var intValue: Int? { nil }
                init(stringValue: String) { self.stringValue = stringValue }
                init?(intValue: Int) { nil }
            }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Key.self)
                for index in 0..<count { try container.encode(index, forKey: Key(stringValue: "k\(index)")) }
                try container.encode("again", forKey: Key(stringValue: "k0"))
            }
        }
        for count in [2, 40] {
            #expect(try StoredJSONEncoder.encode(Twice(count: count)) == JSONEncoder.cairn.encode(Twice(count: count)))
        }
    }

    @Test func datesInEitherISOFormReadBack() throws {
        let withFraction = try StoredJSONDecoder.decode(Date.self, from: Data(#""2026-11-25T14:37:01.123Z""#.utf8))
        #expect(withFraction.millisecondsSince1970 == 1_795_617_421_123)
        let without = try StoredJSONDecoder.decode(Date.self, from: Data(#""2026-11-25T14:37:01Z""#.utf8))
        #expect(without.timeIntervalSince1970 == 1_795_617_421)
        #expect(throws: DecodingError.self) { try StoredJSONDecoder.decode(Date.self, from: Data(#""yesterday""#.utf8)) }
    }
}
