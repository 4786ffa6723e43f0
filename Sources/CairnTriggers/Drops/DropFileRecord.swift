import CairnStore
import Foundation

/// One file a drop took (or refused), as its ledger keeps it.
public struct DropFileRecord: Sendable, Hashable {
    /// Where a file is in its life.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// Claimed into `.cairn/processing/`; its instance runs.
        case processing
        /// Its instance completed; the file is in `.cairn/done/`.
        case done
        /// Its instance errored or was terminated, or the file was refused (symlink, too
        /// large, …); the file, if any, is in `.cairn/failed/`.
        case failed
        /// Its content was already processed within the dedupe window; in `done/`, no instance.
        case duplicate
    }

    /// The ledger's sequence number (the cursor of the files listing).
    public var seq: Int64 = 0
    /// The drop that took it.
    public var drop: String
    /// The instance started for it; `nil` for refused files and duplicates.
    public var instance: String?
    /// The name it was dropped with, escaped where it is not printable UTF-8.
    public var name: String
    /// Its path relative to `<directory>/.cairn/` (`processing/…`, `done/…`, `failed/…`);
    /// `nil` once retention deleted it or when it could not be moved.
    public var stored: String?
    /// Bytes, once digested.
    public var size: Int64?
    /// Hex SHA-256 of the content, once digested.
    public var sha256: String?
    /// Its mtime when claimed.
    public var modified: Date?
    /// Where it is in its life.
    public var status: Status
    /// Why it failed or was refused.
    public var detail: String?
    /// When it was claimed (or refused).
    public var claimedAt: Date
    /// When its instance ended (or it was refused or skipped).
    public var finishedAt: Date?

    /// A row as the service records it.
    public init(drop: String, instance: String?, name: String, stored: String?, size: Int64?, sha256: String?, modified: Date?,
                status: Status, detail: String? = nil, claimedAt: Date, finishedAt: Date? = nil) {
        self.drop = drop
        self.instance = instance
        self.name = name
        self.stored = stored
        self.size = size
        self.sha256 = sha256
        self.modified = modified
        self.status = status
        self.detail = detail
        self.claimedAt = claimedAt
        self.finishedAt = finishedAt
    }

    init(_ row: SQLRow) {
        seq = row["seq"].integer ?? 0
        drop = row["drop_name"].text ?? ""
        instance = row["instance"].text
        name = row["name"].text ?? ""
        stored = row["stored"].text
        size = row["size"].integer
        sha256 = row["sha256"].text
        modified = row.time("modified")
        status = Status(rawValue: row["status"].text ?? "") ?? .failed
        detail = row["detail"].text
        claimedAt = row.time("claimed_at") ?? Date(timeIntervalSince1970: 0)
        finishedAt = row.time("finished_at")
    }
}
