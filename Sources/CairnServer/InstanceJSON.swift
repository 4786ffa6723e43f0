import CairnEngine
import Foundation

/// The opaque `cursor` of instance listings: `<created ms>.<sequence>` of the last item shown.
enum InstanceJSON {
    /// An opaque position for the next page of a newest-first listing.
    static func cursor(_ instance: InstanceView) -> String {
        "\(Int64((instance.cursor.createdAt.timeIntervalSince1970 * 1000).rounded())).\(instance.cursor.sequence)"
    }

    static func parseCursor(_ text: String) -> PageCursor? {
        let parts = text.split(separator: ".")
        guard parts.count == 2, let millis = Int64(parts[0]), let row = Int64(parts[1]) else { return nil }
        return PageCursor(createdAt: Date(timeIntervalSince1970: Double(millis) / 1000), sequence: row)
    }
}
