import Cairn
import CairnAPI
import Foundation

/// Plain-text rendering shared by the commands.
enum Output {
    /// Prints the server's JSON, pretty and with sorted keys.
    static func json(_ raw: Data) {
        guard let value = try? JSONDecoder.api.decode(JSONValue.self, from: raw) else {
            print(String(decoding: raw, as: UTF8.self))
            return
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? raw
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

    /// 2026-11-25T15:01:02.123Z → "2026-11-25 15:01:02.123"; "-" when absent.
    static func time(_ date: Date?) -> String {
        guard let date else { return "-" }
        return Timestamp.string(date).replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "")
    }

    /// The time from `start` to `end` (or to now while unfinished), e.g. "1.204s", "3m 2s".
    static func duration(from start: Date?, to end: Date?) -> String {
        guard let begin = start else { return "-" }
        let seconds = (end ?? Date()).timeIntervalSince(begin)
        if seconds < 0 { return "-" }
        if seconds < 60 { return String(format: "%.3fs", seconds) }
        if seconds < 3600 { return "\(Int(seconds) / 60)m \(Int(seconds) % 60)s" }
        return "\(Int(seconds) / 3600)h \(Int(seconds) % 3600 / 60)m"
    }

    /// Compact JSON, cut at `limit` characters; "-" for null or absent.
    static func summary(_ value: JSONValue?, limit: Int = 60) -> String {
        guard let value, value != .null else { return "-" }
        let text = value.description
        return text.count > limit ? String(text.prefix(limit)) + "…" : text
    }

    /// "waiting (sleep)" for waiting instances, else the status.
    static func status(_ instance: InstanceSummary) -> String {
        guard instance.status == .waiting, let reason = instance.waitingFor else { return instance.status.rawValue }
        return "waiting (\(reason.rawValue))"
    }

    static func error(_ info: ErrorInfo) -> String {
        "\(info.name): \(info.message)"
    }
}
