import Foundation

/// A drop in `GET /drops`: where it watches, what it starts, and its files by status.
public struct DropSummary: Codable, Sendable, Hashable {
    public var name: String
    public var directory: String
    public var pattern: String?
    public var workflow: String
    /// Files in the directory that the drop will take (matching, not yet claimed).
    public var waiting: Int
    public var processing: Int
    public var done: Int
    public var failed: Int
    public var duplicate: Int
    /// The newest file taken, if any.
    public var lastTaken: DropFileSummary?

    public init(name: String, directory: String, pattern: String?, workflow: String, waiting: Int, processing: Int, done: Int, failed: Int,
                duplicate: Int, lastTaken: DropFileSummary?) {
        self.name = name
        self.directory = directory
        self.pattern = pattern
        self.workflow = workflow
        self.waiting = waiting
        self.processing = processing
        self.done = done
        self.failed = failed
        self.duplicate = duplicate
        self.lastTaken = lastTaken
    }

    enum CodingKeys: String, CodingKey {
        case name, directory, pattern, workflow, waiting, processing, done, failed, duplicate
        case lastTaken = "last_taken"
    }
}

/// `GET /drops`.
public struct DropList: Codable, Sendable, Hashable {
    public var drops: [DropSummary]
    public init(drops: [DropSummary]) { self.drops = drops }
}

/// A file in `GET /drops/{name}/files`.
public struct DropFileSummary: Codable, Sendable, Hashable {
    public var seq: Int64
    /// As dropped, escaped where not printable UTF-8.
    public var name: String
    /// `processing`, `done`, `failed` or `duplicate`.
    public var status: String
    public var instanceId: String?
    /// Relative to the drop's `.cairn/`; absent once retention deleted it.
    public var stored: String?
    public var size: Int64?
    public var sha256: String?
    public var claimedAt: String
    public var finishedAt: String?
    public var detail: String?

    public init(seq: Int64, name: String, status: String, instanceId: String?, stored: String?, size: Int64?, sha256: String?,
                claimedAt: String, finishedAt: String?, detail: String?) {
        self.seq = seq
        self.name = name
        self.status = status
        self.instanceId = instanceId
        self.stored = stored
        self.size = size
        self.sha256 = sha256
        self.claimedAt = claimedAt
        self.finishedAt = finishedAt
        self.detail = detail
    }

    enum CodingKeys: String, CodingKey {
        case seq, name, status, stored, size, sha256, detail
        case instanceId = "instance_id"
        case claimedAt = "claimed_at"
        case finishedAt = "finished_at"
    }
}

/// A page of files, newest first; pass `cursor` for the next page.
public struct DropFilePage: Codable, Sendable, Hashable {
    public var files: [DropFileSummary]
    public var cursor: String?
    public init(files: [DropFileSummary], cursor: String?) {
        self.files = files
        self.cursor = cursor
    }
}
