import Cairn
import Foundation

/// The API's timestamps: ISO 8601 in UTC with whole milliseconds, e.g. `2026-11-25T14:37:01.123Z`.
public enum Timestamp {
    /// Truncates to whole milliseconds with the store's own conversion, so every answer agrees.
    /// Clamped to years 0000-9999 (what ISO 8601 writes): a wake-up time beyond shows as the limit.
    public static func string(_ date: Date) -> String {
        let millis = min(max(date.millisecondsSince1970, earliestMillis), latestMillis)
        let seconds = Date(timeIntervalSince1970: Double(millis.floorDivided(by: 1000)))
        let text = seconds.formatted(Date.ISO8601FormatStyle())
        return String(text.dropLast()) + String(format: ".%03dZ", Int(millis.floorModulo(1000)))
    }

    /// 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z.
    static let earliestMillis: Int64 = -62_167_219_200_000
    static let latestMillis: Int64 = 253_402_300_799_999

    /// Parses what ``string(_:)`` writes (fractional seconds optional).
    public static func date(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle())
    }
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor < 0) ? quotient - 1 : quotient
    }

    fileprivate func floorModulo(_ divisor: Int64) -> Int64 {
        let remainder = self % divisor
        return remainder < 0 ? remainder + divisor : remainder
    }
}

extension KeyedEncodingContainer {
    /// A timestamp string, or `null` when absent.
    mutating func encodeTimestamp(_ date: Date?, forKey key: Key) throws {
        try encode(date.map(Timestamp.string), forKey: key)
    }
}

extension KeyedDecodingContainer {
    func decodeTimestamp(_ key: Key) throws -> Date {
        let text = try decode(String.self, forKey: key)
        guard let date = Timestamp.date(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "'\(text)' is not an ISO 8601 timestamp.")
        }
        return date
    }

    func decodeTimestampIfPresent(_ key: Key) throws -> Date? {
        guard let text = try decodeIfPresent(String.self, forKey: key) else { return nil }
        guard let date = Timestamp.date(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "'\(text)' is not an ISO 8601 timestamp.")
        }
        return date
    }
}
