/// JSON text for small hot-path objects (a webhook delivery's answer and stored headers, a
/// step's attempt log), without `JSONSerialization`: bridging a dictionary and sorting its
/// `AnyHashable` keys cost a tenth of a signed delivery's CPU (W5 signed, perf). Shared by
/// Cairn's own modules only.
package enum JSONText {
    /// `members` as a JSON object with string values, keys sorted.
    package static func object(_ members: [(key: String, value: String)]) -> String {
        var bytes: [UInt8] = [UInt8(ascii: "{")]
        bytes.reserveCapacity(members.reduce(2) { $0 + $1.key.utf8.count + $1.value.utf8.count + 6 })
        // Members usually arrive in order (a hook's kept headers are sorted once): no sort then.
        let inOrder = zip(members, members.dropFirst()).allSatisfy { $0.key < $1.key }
        for (index, member) in (inOrder ? members : members.sorted(by: { $0.key < $1.key })).enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            EncodedNode.write(string: member.key, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            EncodedNode.write(string: member.value, to: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `value` as a JSON string: quotes, backslash and control characters escaped (RFC 8259).
    package static func quoted(_ value: String) -> String {
        var text = ""
        append(value, to: &text)
        return text
    }

    /// Escaped as Cairn's JSON encoder escapes it (``EncodedNode/write(string:to:)``), so
    /// hand-built JSON and encoded JSON agree byte for byte.
    package static func append(_ value: String, to text: inout String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count + 2)
        EncodedNode.write(string: value, to: &bytes)
        text += String(decoding: bytes, as: UTF8.self)
    }
}
