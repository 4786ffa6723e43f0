/// Decodes the signature text of a header into the 32 bytes of an HMAC-SHA256 tag, refusing
/// anything else with a reason that names the header and what is wrong with it.
///
/// Lengths are checked before anything is decoded, so a huge header costs nothing.
enum SignatureText {
    /// `text` as 64 hex digits (either case).
    static func hex(_ text: Substring, header: String) throws(WebhookRefusal) -> [UInt8] {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else {
            throw malformed(header, "hex signature has an odd number of digits (\(clamped(digits.count)))")
        }
        guard digits.count == 2 * HMACSHA256.byteCount else {
            throw malformed(header, "hex signature has \(clamped(digits.count)) digits, HMAC-SHA256 has 64")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(HMACSHA256.byteCount)
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else {
                throw malformed(header, "signature contains a character that is not a hex digit")
            }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    /// `text` as standard, padded base64 of 32 bytes (44 characters).
    static func base64(_ text: Substring, header: String) throws(WebhookRefusal) -> [UInt8] {
        // 32 bytes are always 44 characters of padded base64; refuse other lengths undecoded.
        guard text.utf8.count == 44 else {
            throw malformed(header, "base64 signature has \(clamped(text.utf8.count)) characters, HMAC-SHA256 has 44")
        }
        guard let data = Base64.decode(text), data.count == HMACSHA256.byteCount else {
            throw malformed(header, "signature is not valid base64")
        }
        return data
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// A count for a message, capped so a megabyte of header reads as "more than 1000".
    private static func clamped(_ count: Int) -> String {
        count > 1000 ? "more than 1000" : String(count)
    }

    static func malformed(_ header: String, _ detail: String) -> WebhookRefusal {
        WebhookRefusal(.malformedHeader, "malformed signature header \(header): \(detail)")
    }
}
