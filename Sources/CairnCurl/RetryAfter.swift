import Foundation

/// HTTP `Retry-After`, shared by the plugins that speak HTTP.
package enum RetryAfter {
    /// `Retry-After` in delta seconds or as an HTTP date, measured from `now`; zero when absent
    /// or unreadable, at most a day.
    package static func delay(_ header: String?, now: Date) -> Duration {
        guard let header = header?.trimmingCharacters(in: .whitespaces), !header.isEmpty else { return .zero }
        if let seconds = Int(header), seconds >= 0 { return .seconds(min(seconds, 86_400)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: header) {
                return .seconds(Int(min(86_400, max(0, date.timeIntervalSince(now)).rounded(.up))))
            }
        }
        return .zero
    }
}
