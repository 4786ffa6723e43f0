/// A value being encoded by ``StoredJSONEncoder``. Containers are boxes because a nested
/// container handed out by `Encoder` is filled after its parent has stored it.
enum EncodedNode {
    /// JSON text written as is: a number, `true`, `false` or `null`.
    case literal(String)
    case string(String)
    case array(ArrayBox)
    case object(ObjectBox)

    func write(to bytes: inout [UInt8]) {
        switch self {
        case .literal(let text):
            bytes.append(contentsOf: text.utf8)
        case .string(let text):
            Self.write(string: text, to: &bytes)
        case .array(let box):
            bytes.append(UInt8(ascii: "["))
            for (index, item) in box.items.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                item.write(to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let box):
            bytes.append(UInt8(ascii: "{"))
            for (index, member) in box.sortedMembers().enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                Self.write(string: member.key, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                member.value.write(to: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Escapes as Foundation does: quote, backslash and the C0 controls (named escapes
    /// where JSON has them, else lower-case `\u00XX`); everything else, `/` included, as is.
    static func write(string: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

final class ArrayBox {
    var items: [EncodedNode] = []
}

/// An object's members in the order they were encoded; a key encoded again replaces its
/// value, as in Foundation.
final class ObjectBox {
    private var members: [(key: String, value: EncodedNode)] = []
    /// Where each key is, once there are too many members to search.
    private var index: [String: Int]?

    func set(_ value: EncodedNode, for key: String) {
        if let position = position(of: key) {
            members[position].value = value
            return
        }
        members.append((key, value))
        if index != nil {
            index?[key] = members.count - 1
        } else if members.count > 16 {
            index = Dictionary(members.enumerated().map { ($0.element.key, $0.offset) }, uniquingKeysWith: { first, _ in first })
        }
    }

    func value(for key: String) -> EncodedNode? {
        position(of: key).map { members[$0].value }
    }

    private func position(of key: String) -> Int? {
        if let index { return index[key] }
        return members.firstIndex { $0.key == key }
    }

    /// Sorted by the keys' UTF-8 bytes, as Foundation sorts them (not by `String`'s `<`,
    /// which compares canonical forms: `"a\u{308}z"` comes before `"b"` here).
    func sortedMembers() -> [(key: String, value: EncodedNode)] {
        members.count < 2 ? members : members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    }
}
