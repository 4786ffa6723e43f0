import Cairn
import CairnTesting

extension JSONValue {
    /// A random value up to `depth` levels deep, with strings and keys drawn from ASCII,
    /// controls, accents, combining marks and astral scalars.
    static func random(depth: Int, using generator: inout SplitMix64) -> JSONValue {
        switch Int.random(in: 0..<(depth > 0 ? 8 : 6), using: &generator) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2: return .int(Int64.random(in: .min ... .max, using: &generator) >> UInt64.random(in: 0..<64, using: &generator))
        case 3:
            let bits = UInt64.random(in: 0 ... .max, using: &generator)
            let value = Double(bitPattern: bits)
            return .number(value.isFinite ? value : Double.random(in: -1e6...1e6, using: &generator))
        case 4, 5: return .string(randomString(using: &generator))
        case 6: return .array((0..<Int.random(in: 0..<5, using: &generator)).map { _ in random(depth: depth - 1, using: &generator) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0..<20, using: &generator) {
                members[randomString(using: &generator)] = random(depth: depth - 1, using: &generator)
            }
            return .object(members)
        }
    }

    static func randomString(using generator: inout SplitMix64) -> String {
        let pool: [Unicode.Scalar] = ["a", "B", "z", "0", "9", "_", "/", "\"", "\\", "\u{0}", "\u{1f}", "\n", "\u{7f}", "é", "e", "\u{301}", "\u{308}", "ß", "\u{2028}", "💥", "中", "\u{FFFD}", "\u{E000}"]
        var text = ""
        for _ in 0..<Int.random(in: 0..<8, using: &generator) {
            text.unicodeScalars.append(pool.randomElement(using: &generator)!)
        }
        return text
    }
}
