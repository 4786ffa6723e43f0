import Foundation

/// The encodings a message needs to travel as 7-bit lines of at most 78 characters:
/// RFC 2047 encoded-words for non-ASCII header text, quoted-printable for bodies, base64
/// for attachments, and header folding.
enum MIMEEncoding {
    /// The longest line written, CRLF not counted (RFC 5322 asks for at most 78).
    static let lineLimit = 78

    /// Whether `text` can go into a header as it is: printable ASCII and spaces, no `=?`
    /// that a reader would take for an encoded-word, no word longer than a line.
    /// Leading, trailing or repeated spaces would be lost to unfolding: encoded-words keep them.
    static func isPlainHeaderText(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F } && !text.contains("=?")
            && !text.hasPrefix(" ") && !text.hasSuffix(" ") && !text.contains("  ")
            && text.split(separator: " ").allSatisfy { $0.utf8.count <= 66 }
    }

    /// `text` as RFC 2047 encoded-words (`=?UTF-8?B?…?=`), each at most 75 characters and
    /// each holding whole characters; a reader joins adjacent words without the space between.
    static func encodedWords(_ text: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > 42 {      // 42 bytes → 56 base64 characters → 68 with the wrapper
                words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=") }
        return words
    }

    /// Unstructured header text (a subject, a custom header's value) as tokens to fold:
    /// plain words when it is plain ASCII, encoded-words otherwise.
    static func unstructured(_ text: String) -> [String] {
        isPlainHeaderText(text) ? text.split(separator: " ", omittingEmptySubsequences: false).map(String.init) : encodedWords(text)
    }

    /// A custom header's value: printable ASCII as it is (folded at spaces only, so a long
    /// URL in `List-Unsubscribe` or a `References` list keeps its form), anything else as
    /// encoded-words.
    static func headerValue(_ text: String) -> [String] {
        guard text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) else { return encodedWords(text) }
        return text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
    }

    /// A display name as a phrase: atoms as they are, a quoted string for other ASCII, else
    /// encoded-words.
    static func phrase(_ name: String) -> [String] {
        let atext = Email.Address.atext
        let words = name.split(separator: " ")
        if !name.isEmpty, words.allSatisfy({ $0.unicodeScalars.allSatisfy(atext.contains) }), isPlainHeaderText(name) {
            return words.map(String.init)
        }
        if isPlainHeaderText(name) {
            return ["\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""]
        }
        return encodedWords(name)
    }

    /// `Name: token token …` folded before a token that would pass the line limit; tokens
    /// are joined with a space (`separator` goes after each token but the last, e.g. `,`).
    static func header(_ name: String, _ tokens: [String], separator: String = "") -> String {
        var out = name + ":"
        var lineLength = out.utf8.count
        for (index, token) in tokens.enumerated() {
            let piece = token + (index < tokens.count - 1 ? separator : "")
            // Never fold before an empty token (a run of spaces): a line of only whitespace is obsolete syntax.
            if lineLength + 1 + piece.utf8.count > lineLimit, lineLength > 1, !piece.isEmpty {
                out += "\r\n "
                lineLength = 1
            } else {
                out += " "
                lineLength += 1
            }
            out += piece
            lineLength += piece.utf8.count
        }
        return out + "\r\n"
    }

    /// UTF-8 text as quoted-printable with CRLF line ends: lines of at most 76 characters
    /// (soft breaks end in `=`), `=`, non-ASCII and control bytes as `=XX`, spaces and tabs
    /// before a line end encoded so no transport strips them. `softEnd` ends the text with a
    /// soft break (`=`), so the line end a message must finish with is not part of it.
    static func quotedPrintable(_ text: String, softEnd: Bool = false) -> String {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var out = ""
        let hex = Array("0123456789ABCDEF")
        let lines = normalized.split(separator: "\n", omittingEmptySubsequences: false)
        for (lineIndex, line) in lines.enumerated() {
            if lineIndex > 0 { out += "\r\n" }
            let bytes = Array(line.utf8)
            var current = ""
            for (index, byte) in bytes.enumerated() {
                let last = index == bytes.count - 1 && !(softEnd && lineIndex == lines.count - 1)
                let token: String
                if byte == UInt8(ascii: "=") || byte < 0x20 && byte != 0x09 || byte >= 0x7F || (last && (byte == 0x20 || byte == 0x09)) {
                    token = "=" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0x0F)])
                } else {
                    token = String(UnicodeScalar(byte))
                }
                // A soft break leaves room for the "=" (75 + "=" = 76), unless this is the line's last token.
                if current.utf8.count + token.utf8.count > (last ? 76 : 75) {
                    out += current + "=\r\n"
                    current = ""
                }
                current += token
            }
            out += current
        }
        return softEnd ? out + "=" : out
    }

    /// Bytes as base64 in lines of 76 characters with CRLF ends.
    static func base64Lines(_ data: Data) -> String {
        let encoded = data.base64EncodedString()
        var lines: [Substring] = []
        var start = encoded.startIndex
        while start < encoded.endIndex {
            let end = encoded.index(start, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(encoded[start..<end])
            start = end
        }
        return lines.joined(separator: "\r\n")
    }

    /// A MIME parameter (`filename="report.csv"`), as RFC 2231 extended values in pieces of
    /// at most 60 characters (`filename*0*=UTF-8''r%C3%A9sum%C3%A9; filename*1*=.pdf`) when the
    /// value is not short plain ASCII.
    static func parameter(_ name: String, _ value: String) -> [String] {
        if value.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) && value.utf8.count <= 60 {
            return [name + "=\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""]
        }
        let unreserved = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~".utf8)
        let hex = Array("0123456789ABCDEF")
        var pieces: [String] = [""]
        for byte in value.utf8 {
            let token = unreserved.contains(byte) ? String(UnicodeScalar(byte)) : "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0x0F)])
            if pieces[pieces.count - 1].utf8.count + token.utf8.count > 48 { pieces.append("") }
            pieces[pieces.count - 1] += token
        }
        return pieces.enumerated().map { index, piece in "\(name)*\(index)*=" + (index == 0 ? "UTF-8''" : "") + piece }
    }
}
