import Foundation

/// Strict standard base64 (RFC 4648 §4, padded), for signatures and Standard Webhooks
/// secrets: no whitespace, no URL alphabet, no missing padding.
enum Base64 {
    /// The bytes `text` encodes, or `nil` when it is not strict padded base64.
    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard !utf8.isEmpty, utf8.count % 4 == 0 else { return nil }
        // Foundation tolerates nothing but the alphabet and `=` without options; check the
        // alphabet here anyway so the rule does not depend on the Foundation version.
        let alphabet = { (byte: UInt8) in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"): true
            default: false
            }
        }
        let padding = utf8.reversed().prefix { $0 == UInt8(ascii: "=") }.count
        guard padding <= 2, utf8.dropLast(padding).allSatisfy(alphabet) else { return nil }
        return Data(base64Encoded: Data(utf8)).map(Array.init)
    }
}
