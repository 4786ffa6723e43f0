/// A value being encoded by ``StoredJSONEncoder``. Containers are boxes because a nested
/// container handed out by `Encoder` is filled after its parent has stored it.
enum EncodedNode {
    /// JSON text written as is: a number, `true`, `false` or `null`.
    case literal(String)
    case string(String)
    case array(ArrayBox)
    case object(ObjectBox)

    /// Foundation's encoder refuses a value nested 512 containers deep (511 is the most it
    /// writes); so does this one, so nothing is stored that the decoders would refuse.
    static let maximumDepth = 511

    func write(to bytes: inout [UInt8], depth: Int = 0) throws(NestingTooDeep) {
        switch self {
        case .literal(let text):
            bytes.append(contentsOf: text.utf8)
        case .string(let text):
            Self.write(string: text, to: &bytes)
        case .array(let box):
            guard depth < Self.maximumDepth else { throw NestingTooDeep() }
            bytes.append(UInt8(ascii: "["))
            for (index, item) in box.items.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                try item.write(to: &bytes, depth: depth + 1)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let box):
            guard depth < Self.maximumDepth else { throw NestingTooDeep() }
            bytes.append(UInt8(ascii: "{"))
            for (index, member) in box.sortedMembers().enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                Self.write(string: member.key, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                try member.value.write(to: &bytes, depth: depth + 1)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Escapes as Foundation does: quote, backslash and the C0 controls (named escapes
    /// where JSON has them, else lower-case `\u00XX`); everything else, `/` included, as is.
    static func write(string: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var string = string
        // Runs without an escape are copied whole rather than byte by byte.
        string.withUTF8 { utf8 in
            var runStart = 0
            for index in utf8.indices {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                appendEscape(of: byte, to: &bytes)
                runStart = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hex = Array("0123456789abcdef".utf8)

    private static func appendEscape(of byte: UInt8, to bytes: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
        case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
        case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
        case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
        case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
        case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
        case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
        default:
            bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
        }
    }
}
