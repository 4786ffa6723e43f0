import Cairn
import Foundation

/// The API's timestamps: ISO 8601 in UTC with whole milliseconds, e.g. `2026-11-25T14:37:01.123Z`.
public enum Timestamp {
    /// Truncates to whole milliseconds with the store's own conversion, so every answer agrees.
    /// Clamped to years 0000-9999 (what ISO 8601 writes): a wake-up time beyond shows as the limit.
    public static func string(_ date: Date) -> String {
        let millis = min(max(date.millisecondsSince1970, earliestMillis), latestMillis)
        return string(millis: millis)
    }

    /// Written by hand from the Gregorian calendar: `ISO8601FormatStyle` plus
    /// `String(format:)` were a third of encoding an instance's summary, on the busiest
    /// route (W5, perf). Foundation's formatter switches to the Julian calendar before
    /// 1582-10-15, so earlier instants (only clamped far-off wake-ups) still go through it and
    /// every answer reads back with ``date(_:)`` as before. `millis` is in range.
    static func string(millis: Int64) -> String {
        guard millis >= gregorianStartMillis else {
            let seconds = Date(timeIntervalSince1970: Double(millis.floorDivided(by: 1000)))
            let text = seconds.formatted(Date.ISO8601FormatStyle())
            return String(text.dropLast()) + String(format: ".%03dZ", Int(millis.floorModulo(1000)))
        }
        let days = millis.floorDivided(by: 86_400_000)
        let inDay = millis.floorModulo(86_400_000)
        let (year, month, day) = CivilDate.date(days: Int(days))
        var text: [UInt8] = []
        text.reserveCapacity(24)
        func digits(_ value: some BinaryInteger, _ count: Int) {
            let value = Int64(value)
            var divisor: Int64 = 1
            for _ in 1..<count { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                text.append(UInt8(ascii: "0") + UInt8(rest / divisor))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(year, 4); text.append(UInt8(ascii: "-"))
        digits(month, 2); text.append(UInt8(ascii: "-"))
        digits(day, 2); text.append(UInt8(ascii: "T"))
        digits(inDay / 3_600_000, 2); text.append(UInt8(ascii: ":"))
        digits(inDay / 60_000 % 60, 2); text.append(UInt8(ascii: ":"))
        digits(inDay / 1000 % 60, 2); text.append(UInt8(ascii: "."))
        digits(inDay % 1000, 3); text.append(UInt8(ascii: "Z"))
        return String(decoding: text, as: UTF8.self)
    }

    /// 1582-10-15T00:00:00.000Z, the first day of the Gregorian calendar.
    static let gregorianStartMillis: Int64 = -12_219_292_800_000

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
