import Foundation

/// Looks up a schedule's time zone by its IANA name in the system's tz database, with a hint
/// for near misses (`america/new_york`, `New_York`, `New York`).
///
/// ```swift
/// let zone = try TimeZones.named("Europe/Berlin")
/// ```
public enum TimeZones {
    /// UTC, the default zone of a schedule.
    public static let utc = TimeZone(identifier: "UTC") ?? .gmt

    /// Whether two zone names mean the same zone (`UTC`, `GMT`, `Etc/UTC` …).
    public static func same(_ stored: String, _ zone: TimeZone) -> Bool {
        stored == zone.identifier || TimeZone(identifier: stored).map { $0.identifier == zone.identifier } == true
    }

    /// The zone called `name`; throws a ``TriggerError`` (`invalid_schedule`) that says what to
    /// write instead.
    public static func named(_ name: String) throws(TriggerError) -> TimeZone {
        // Foundation reads "GMT+5" as UTC+05:00 while tz's Etc/GMT+5 is UTC-05:00: refuse the
        // ambiguous spelling rather than guess the sign.
        for prefix in ["GMT+", "GMT-", "UTC+", "UTC-"] where name.uppercased().hasPrefix(prefix) {
            throw TriggerError(.invalidSchedule, "\"\(name)\" is not a tz database name, and its sign is ambiguous (POSIX and Etc/GMT+5 mean UTC-05:00). Write the place, e.g. \"America/New_York\", or a fixed offset as \"Etc/GMT-5\" for UTC+05:00.")
        }
        if !name.isEmpty, let zone = TimeZone(identifier: name) { return zone }
        let hint = suggestion(for: name).map { "Did you mean \"\($0)\"? " } ?? ""
        throw TriggerError(.invalidSchedule, "\"\(name)\" is not a time zone of the tz database. \(hint)Write an IANA name such as \"America/New_York\", \"Europe/Berlin\" or \"UTC\" (list them with: timedatectl list-timezones).")
    }

    /// A known identifier that `name` probably means: the same name in other case, or a
    /// unique zone whose city part matches.
    static func suggestion(for name: String) -> String? {
        let wanted = name.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: " ", with: "_").lowercased()
        guard !wanted.isEmpty else { return nil }
        let known = TimeZone.knownTimeZoneIdentifiers
        if let exact = known.first(where: { $0.lowercased() == wanted }) { return exact }
        let byCity = known.filter { $0.lowercased().hasSuffix("/\(wanted)") }
        return byCity.count == 1 ? byCity[0] : nil
    }
}
