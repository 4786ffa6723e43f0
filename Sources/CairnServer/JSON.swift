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
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let seconds = Date(timeIntervalSince1970: Double(millis / 1000))
        let text = seconds.formatted(Date.ISO8601FormatStyle())
        return String(text.dropLast()) + String(format: ".%03dZ", Int(millis % 1000))
    }

    static func response(_ value: Any, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: encode(value))))
    }
}
