/// Refuses a table header that does not name its table right after the bracket (`[` then a
/// line break, a comment, `=` or `.`), which the TOML parser Cairn uses (toml++) does not
/// report as an error but stops the process on with a failed assertion. Everything else is
/// left to the parser: this scanner only follows strings, comments and nesting far enough to
/// know where a header can start (the beginning of a line outside any value).
enum TOMLHeaderCheck {
    static func check(_ text: String, source: String?) throws {
        let bytes = Array(text.utf8)
        var index = 0
        var line = 1
        var depth = 0               // open [ and { of values
        var lineStart = true        // only spaces or tabs so far on this line
        func at(_ offset: Int) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\n"):
                line += 1
                lineStart = true
                index += 1
                continue
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                index += 1
                continue
            case UInt8(ascii: "#"):
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
                continue
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                skipString(bytes, &index, &line)
            case UInt8(ascii: "[") where lineStart && depth == 0:
                index += at(1) == UInt8(ascii: "[") ? 2 : 1
                while let next = at(0), next == UInt8(ascii: " ") || next == UInt8(ascii: "\t") { index += 1 }
                let named = at(0).map { isBareKey($0) || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") || $0 == UInt8(ascii: "]") } ?? false
                guard named else {
                    throw ConfigError("TOML syntax error: a table header must name its table on the same line right after '[' (write [server] or [[schedules]]).",
                                      file: source, line: line)
                }
                // The rest of the header line is the parser's to judge.
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
                continue
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                index += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth = max(0, depth - 1)
                index += 1
            default:
                index += 1
            }
            lineStart = false
        }
    }

    private static func isBareKey(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    /// Moves past a basic or literal string, one-line or multi-line, counting its line breaks.
    private static func skipString(_ bytes: [UInt8], _ index: inout Int, _ line: inout Int) {
        let quote = bytes[index]
        let multi = index + 2 < bytes.count && bytes[index + 1] == quote && bytes[index + 2] == quote
        index += multi ? 3 : 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\"), quote == UInt8(ascii: "\"") {
                index += 2
                continue
            }
            if byte == UInt8(ascii: "\n") {
                line += 1
                if !multi { return }           // an unterminated one-line string: the parser says so
            }
            if byte == quote {
                if !multi {
                    index += 1
                    return
                }
                if index + 2 < bytes.count, bytes[index + 1] == quote, bytes[index + 2] == quote {
                    index += 3
                    // Up to two more quotes may end the string's content.
                    while index < bytes.count, bytes[index] == quote { index += 1 }
                    return
                }
            }
            index += 1
        }
    }
}
