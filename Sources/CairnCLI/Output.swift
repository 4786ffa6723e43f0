import Foundation

/// Plain-text rendering shared by the commands.
enum Output {
    static func json(_ value: Any) {
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])) ?? Data()
        print(String(decoding: data, as: UTF8.self))
    }

    /// Left-aligned columns separated by two spaces; the first row is the header.
    static func table(_ rows: [[String]], indent: String = "") {
        guard let columns = rows.map(\.count).max() else { return }
        var widths = [Int](repeating: 0, count: columns)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        for row in rows {
            let cells = row.enumerated().map { index, cell in index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0) }
            print(indent + cells.joined(separator: "  "))
        }
    }

    /// "2026-11-25T15:01:02.123Z" → "2026-11-25 15:01:02.123"; "-" for null.
    static func time(_ value: Any?) -> String {
        guard let text = value as? String else { return "-" }
        return text.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "")
    }

    static func date(_ value: Any?) -> Date? {
        guard let text = value as? String else { return nil }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// The time from `start` to `end` (or to now while unfinished), e.g. "1.204s", "3m 2s".
    static func duration(from start: Any?, to end: Any?) -> String {
        guard let begin = date(start) else { return "-" }
        let seconds = (date(end) ?? Date()).timeIntervalSince(begin)
        if seconds < 0 { return "-" }
        if seconds < 60 { return String(format: "%.3fs", seconds) }
        if seconds < 3600 { return "\(Int(seconds) / 60)m \(Int(seconds) % 60)s" }
        return "\(Int(seconds) / 3600)h \(Int(seconds) % 3600 / 60)m"
    }

    /// Compact JSON, cut at `limit` characters.
    static func summary(_ value: Any?, limit: Int = 60) -> String {
        guard let value, !(value is NSNull) else { return "-" }
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])) ?? Data()
        let text = String(decoding: data, as: UTF8.self)
        return text.count > limit ? String(text.prefix(limit)) + "…" : text
    }
}
