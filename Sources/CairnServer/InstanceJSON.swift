import CairnEngine
import Foundation

/// The opaque `cursor` of instance listings: `<created ms>.<sequence>` of the last item shown.
enum InstanceJSON {
    /// An opaque position for the next page of a newest-first listing.
    static func cursor(_ instance: InstanceView) -> String {
        "\(Int64(saturating: (instance.cursor.createdAt.timeIntervalSince1970 * 1000).rounded())).\(instance.cursor.sequence)"
    }

    /// Creation times a cursor may carry: 1970 to the year 9999 in milliseconds.
    static let cursorMillis: ClosedRange<Int64> = 0...253_402_300_799_999

    /// `nil` for anything this server would not have issued (out-of-range numbers included).
    static func parseCursor(_ text: String) -> PageCursor? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let millis = Int64(parts[0]), let row = Int64(parts[1]),
              cursorMillis.contains(millis), row >= 0 else { return nil }
        return PageCursor(createdAt: Date(timeIntervalSince1970: Double(millis) / 1000), sequence: row)
    }
}
