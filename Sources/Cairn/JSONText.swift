/// JSON text for small hot-path objects (a webhook delivery's answer and stored headers, a
/// step's attempt log), without `JSONSerialization`: bridging a dictionary and sorting its
/// `AnyHashable` keys cost a tenth of a signed delivery's CPU (W5 signed, perf). Shared by
/// Cairn's own modules only.
package enum JSONText {
    /// `members` as a JSON object with string values, keys sorted.
    package static func object(_ members: [(key: String, value: String)]) -> String {
        var text = "{"
        for (index, member) in members.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { text += "," }
            append(member.key, to: &text)
            text += ":"
            append(member.value, to: &text)
        }
        return text + "}"
    }

    /// `value` as a JSON string: quotes, backslash and control characters escaped (RFC 8259).
    package static func quoted(_ value: String) -> String {
        var text = ""
        append(value, to: &text)
        return text
    }

    package static func append(_ value: String, to text: inout String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
