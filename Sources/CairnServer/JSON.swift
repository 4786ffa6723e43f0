import Cairn
import Foundation
import Hummingbird

/// JSON documents built from plain values. Responses embed stored JSON (params, outputs,
/// event payloads) as it is, so they are assembled as trees rather than `Codable` types.
enum JSON {
    /// Serialises a tree of dictionaries, arrays, strings, numbers, booleans and `NSNull`,
    /// with sorted keys so answers are stable.
    static func encode(_ value: Any) -> Data {
        (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes]))
            ?? Data("null".utf8)
    }

    /// A stored JSON document as a tree value (`NSNull` when absent or unreadable).
    static func value(_ data: Data?) -> Any {
        guard let data else { return NSNull() }
        return (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) ?? NSNull()
    }

    static func date(_ date: Date?) -> Any {
        guard let date else { return NSNull() }
        return timestamp(date)
    }

    static func timestamp(_ date: Date) -> String {
        // Whole milliseconds, truncated as the store keeps them, so every answer agrees.
        // Clamped to years 0000-9999 (what ISO 8601 writes); a wake-up time beyond is shown as the limit.
        let millis = min(max(Int64(saturating: (date.timeIntervalSince1970 * 1000).rounded(.down)), JSON.earliestMillis), JSON.latestMillis)
        let wholeSeconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000     // floor, also before 1970
        let text = Date(timeIntervalSince1970: Double(wholeSeconds)).formatted(Date.ISO8601FormatStyle())
        return String(text.dropLast()) + String(format: ".%03dZ", Int(millis - wholeSeconds * 1000))
    }

    /// 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z.
    static let earliestMillis: Int64 = -62_167_219_200_000
    static let latestMillis: Int64 = 253_402_300_799_999

    static func response(_ value: Any, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: encode(value))))
    }
}
