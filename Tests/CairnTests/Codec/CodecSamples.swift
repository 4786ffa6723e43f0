import Cairn
import Foundation

/// Values that exercise every path of the stored-JSON codec: synthesized and hand-written
/// `Codable`, enums with payloads, class inheritance through `superEncoder`, the types
/// Foundation treats specially, and strings and numbers at their edges.
enum CodecSamples {
    struct Small: Codable, Equatable {
        var index: Int
        var ok: Bool
    }

    struct Everything: Codable, Equatable {
        var int: Int = -42
        var int8: Int8 = -128
        var int16: Int16 = 32767
        var int32: Int32 = -2_147_483_648
        var int64: Int64 = .min
        var uint: UInt = .max
        var uint8: UInt8 = 255
        var uint16: UInt16 = 0
        var uint32: UInt32 = 4_294_967_295
        var uint64: UInt64 = .max
        var double: Double = 0.1
        var float: Float = 1e20
        var bool = false
        var string = "a\"b\\c/d\n\t\r\u{8}\u{c}\u{0}\u{1f}\u{7f}\u{2028}é💥"
        var optionalPresent: String? = "here"
        var optionalAbsent: String?
        var date = Date(timeIntervalSince1970: 1_764_000_000.125)
        var data = Data([0, 1, 2, 253, 254, 255])
        var url = URL(string: "https://example.com/a/b?c=d&e=%20")!
        var decimal = Decimal(string: "3.14159265358979323846")!
        var nested = [Small(index: 1, ok: true), Small(index: 2, ok: false)]
        var dictionary: [String: [Int]] = ["b": [1, 2], "a": [], "ä": [3], "a\u{308}z": [4], "10": [5], "9": [6], "A": [7], "_": [8], "\u{FFFD}": [9], "💥": [10], "ź": [11], "z\u{301}x": [12]]
        var intKeys: [Int: String] = [2: "two", 10: "ten", -1: "minus one"]
        var doubleKeys: [Double: String] = [1.5: "x"]
        var matrix: [[Double?]] = [[1, nil, -0.0], [], [1e15, 1e16, 1e-7, 123_456_789_012_345_678, 1.7976931348623157e308]]
        var choice: Choice = .pair(1, "one")
        var choices: [Choice] = [.none, .labelled(name: "n", count: 3), .pair(-1, "")]
        var set: Set<String> = ["only"]
        var json: JSONValue = ["n": 1, "x": 1.5, "s": "t", "a": [true, .null], "o": [:]]
        var unicodeKeys: [String: Int] = ["é": 1, "e": 2, "z": 3, "💥": 4, "\u{0}": 5]
    }

    enum Choice: Codable, Equatable {
        case none
        case pair(Int, String)
        case labelled(name: String, count: Int)
    }

    class Base: Codable {
        var base: String
        init(base: String) { self.base = base }
    }

    final class Derived: Base, Equatable {
        var extra: Int

        init(base: String, extra: Int) {
            self.extra = extra
            super.init(base: base)
        }

        enum CodingKeys: String, CodingKey { case extra }

        required init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            extra = try container.decode(Int.self, forKey: .extra)
            try super.init(from: container.superDecoder())
        }

        override func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(extra, forKey: .extra)
            try super.encode(to: container.superEncoder())
        }

        static func == (lhs: Derived, rhs: Derived) -> Bool { lhs.base == rhs.base && lhs.extra == rhs.extra }
    }

    /// Encodes through every kind of container by hand, nested and as a super encoder of an
    /// unkeyed container.
    struct HandWritten: Codable, Equatable {
        var values: [Int]
        var label: String

        enum Keys: String, CodingKey { case outer, inner, label }

        init(values: [Int], label: String) {
            self.values = values
            self.label = label
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            var outer = try container.nestedUnkeyedContainer(forKey: .outer)
            var values: [Int] = []
            var inner = try outer.nestedUnkeyedContainer()
            while !inner.isAtEnd { values.append(try inner.decode(Int.self)) }
            let labelled = try outer.nestedContainer(keyedBy: Keys.self)
            label = try labelled.decode(String.self, forKey: .label)
            let viaSuper = try outer.superDecoder().singleValueContainer()
            guard try viaSuper.decode(String.self) == label else { throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "super")) }
            self.values = values
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            var outer = container.nestedUnkeyedContainer(forKey: .outer)
            var inner = outer.nestedUnkeyedContainer()
            for value in values { try inner.encode(value) }
            var labelled = outer.nestedContainer(keyedBy: Keys.self)
            try labelled.encode(label, forKey: .label)
            var viaSuper = outer.superEncoder().singleValueContainer()
            try viaSuper.encode(label)
            try container.encodeNil(forKey: .inner)
        }
    }

    /// A type that encodes nothing: Foundation refuses it at the top and writes `{}` nested.
    struct Silent: Codable, Equatable {
        init() {}
        init(from decoder: any Decoder) throws {}
        func encode(to encoder: any Encoder) throws {}
    }
}
