/// A file name exactly as the file system holds it: bytes, which need not be UTF-8 and may
/// hold newlines. Cairn keeps the bytes to rename the file and shows an escaped form.
///
/// ```swift
/// let name = FileName(bytes: Array("report\n.csv".utf8))
/// name.display   // "report\\n.csv"
/// ```
public struct FileName: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The raw bytes, without a terminating NUL.
    public var bytes: [UInt8]

    /// The name with these bytes.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The UTF-8 bytes of `text`.
    public init(_ text: String) {
        bytes = Array(text.utf8)
    }

    /// The name when it is valid UTF-8 without control characters; otherwise with invalid
    /// bytes as `\xNN` and control characters as `\n`, `\t` or `\u{NN}`.
    public var display: String {
        var text = ""
        var index = 0
        let decoded = String(validating: bytes, as: UTF8.self)
        if let decoded, !decoded.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0 == "\\" }) {
            return decoded
        }
        while index < bytes.count {
            let length = Self.sequenceLength(bytes, at: index)
            if length == 0 {
                text += "\\x" + Self.hex(bytes[index])
                index += 1
                continue
            }
            let scalarText = String(decoding: bytes[index..<index + length], as: UTF8.self)
            for scalar in scalarText.unicodeScalars {
                switch scalar {
                case "\n": text += "\\n"
                case "\t": text += "\\t"
                case "\r": text += "\\r"
                case "\\": text += "\\\\"
                case _ where scalar.value < 0x20 || scalar.value == 0x7F: text += "\\u{" + Self.hex(UInt8(scalar.value)) + "}"
                default: text.unicodeScalars.append(scalar)
                }
            }
            index += length
        }
        return text
    }

    /// A name safe in a path and in JSON: the display form with every escape's backslash
    /// replaced by `_`, at most 120 bytes; a longer one keeps its start and its end (the
    /// extension) around a `~`.
    public var safe: String {
        let text = display.replacingOccurrences(of: "\\", with: "_").replacingOccurrences(of: "/", with: "_")
        guard text.utf8.count > 120 else { return text.isEmpty ? "_" : text }
        var head = String(text.prefix(59))
        var tail = String(text.suffix(60))
        while head.utf8.count > 59 { head.removeLast() }
        while tail.utf8.count > 60 { tail.removeFirst() }
        return head + "~" + tail
    }

    public var description: String { display }

    /// Whether the name ends with `suffix` (bytes).
    func hasSuffix(_ suffix: String) -> Bool {
        let tail = Array(suffix.utf8)
        return bytes.count >= tail.count && Array(bytes.suffix(tail.count)) == tail
    }

    public static func < (lhs: FileName, rhs: FileName) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }

    /// The length of the valid UTF-8 sequence starting at `index`, or 0.
    private static func sequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
        let first = bytes[index]
        let length: Int
        switch first {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return 0
        }
        guard index + length <= bytes.count else { return 0 }
        let slice = Array(bytes[index..<index + length])
        return String(validating: slice, as: UTF8.self) == nil ? 0 : length
    }
}
