import Cairn
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A watched directory: each complete file dropped into it starts one instance of
/// `workflow`, exactly once, and moves through `.cairn/processing/` to `.cairn/done/` or
/// `.cairn/failed/`.
///
/// ```swift
/// let drop = try DropDefinition(name: "invoices", directory: "/srv/drop/invoices", workflow: "ingest",
///                               pattern: FileGlob("*.pdf"))
/// ```
public struct DropDefinition: Sendable {
    /// What a drop does with a file whose content it has already processed.
    public enum Dedupe: String, Sendable, CaseIterable {
        /// Every file is processed.
        case none
        /// A file whose SHA-256 was processed by this drop within the window is recorded as a
        /// duplicate and moved to `done/` without an instance.
        case content
    }

    /// 1 to 48 letters, digits, `-` and `_`; part of each instance ID.
    public var name: String
    /// The watched directory, absolute.
    public var directory: String
    /// The workflow each file starts.
    public var workflow: String
    /// Only names matching it are taken; `nil` takes all.
    public var pattern: FileGlob?
    /// Merged into each instance's params (the file's own fields win).
    public var params: [String: JSONValue]
    /// How long a file found by a scan must keep its size and mtime before it is taken.
    public var settle: Duration
    /// How often the directory is scanned besides inotify.
    public var scanInterval: Duration
    /// How long finished files are kept in `done/`; `nil` keeps them.
    public var keepDone: Duration?
    /// How long failed files are kept in `failed/`; `nil` (the default) keeps them.
    public var keepFailed: Duration?
    /// Larger files go to `failed/` with the reason.
    public var maxFileBytes: Int64
    /// The most files claimed in one pass.
    public var batch: Int
    /// Whether a file whose content was processed before is skipped.
    public var dedupe: Dedupe
    /// How far back `dedupe = "content"` looks.
    public var dedupeWindow: Duration
    /// The config line of the entry, for messages.
    public var line: Int?
    /// Whether the appliance makes `directory` (and its parents) when it is missing.
    public var create = false

    /// The longest drop name.
    public static let maxNameLength = 48

    /// A drop with the documented defaults; throws `invalid_drop` for a bad name, a relative
    /// directory or limits out of range (the directory itself is checked by
    /// ``checkDirectory()``).
    public init(name: String, directory: String, workflow: String, pattern: FileGlob? = nil, params: [String: JSONValue] = [:],
                settle: Duration = .seconds(2), scanInterval: Duration = .seconds(30), keepDone: Duration? = .seconds(7 * 86_400),
                keepFailed: Duration? = nil, maxFileBytes: Int64 = 1 << 30, batch: Int = 100, dedupe: Dedupe = .none,
                dedupeWindow: Duration = .seconds(7 * 86_400), line: Int? = nil) throws(TriggerError) {
        let allowed = !name.isEmpty && name.count <= Self.maxNameLength && !name.hasPrefix("-") && name.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_", "-": true
            default: false
            }
        }
        guard allowed else {
            throw TriggerError(.invalidDrop, "The drop name '\(name)' is not allowed: use 1 to \(Self.maxNameLength) letters, digits, '-' and '_' (not starting with '-'); it is part of each instance ID.")
        }
        guard directory.hasPrefix("/") else {
            throw TriggerError(.invalidDrop, "Drop \"\(name)\": directory = \"\(directory)\" must be an absolute path.")
        }
        guard scanInterval >= .seconds(1), settle >= .zero, batch >= 1, maxFileBytes >= 1 else {
            throw TriggerError(.invalidDrop, "Drop \"\(name)\": scan_interval must be at least 1 second, settle not negative, batch and max_file_bytes at least 1.")
        }
        self.name = name
        self.directory = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        self.workflow = workflow
        self.pattern = pattern
        self.params = params
        self.settle = settle
        self.scanInterval = scanInterval
        self.keepDone = keepDone
        self.keepFailed = keepFailed
        self.maxFileBytes = maxFileBytes
        self.batch = batch
        self.dedupe = dedupe
        self.dedupeWindow = dedupeWindow
        self.line = line
    }

    /// `<directory>/.cairn`, where claimed and finished files live.
    public var stateDirectory: String { directory + "/.cairn" }

    /// Whether a name is never taken: dotfiles (and so `.cairn`), `*.tmp`, `*.part`,
    /// `*.crdownload` and names ending in `~`, the conventions of editors, browsers and
    /// copy tools for files still being written.
    public static func isIgnored(_ name: FileName) -> Bool {
        guard let first = name.bytes.first else { return true }
        if first == UInt8(ascii: ".") || name.bytes.last == UInt8(ascii: "~") { return true }
        return [".tmp", ".part", ".crdownload"].contains { name.hasSuffix($0) }
    }

    /// Whether this drop takes a (non-ignored) name.
    public func wants(_ name: FileName) -> Bool {
        !Self.isIgnored(name) && (pattern?.matches(name) ?? true)
    }

    /// Checks that the directory exists, is a directory this process may write, and that
    /// `.cairn/` (if present) is a real directory on the same file system, so that claiming
    /// a file is an atomic rename. Says what to do otherwise.
    public func checkDirectory() throws(TriggerError) {
        func invalid(_ message: String) -> TriggerError { TriggerError(.invalidDrop, "Drop \"\(name)\": " + message) }
        var info = stat()
        guard stat(directory, &info) == 0 else {
            let reason = errno == ENOENT ? "does not exist" : "cannot be read (\(String(cString: strerror(errno))))"
            throw invalid("directory \(directory) \(reason). Create it (mkdir -p \(directory)) and let the user cairn runs as write it.")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw invalid("\(directory) is not a directory. Point directory at the folder files are dropped into.")
        }
        guard access(directory, W_OK | X_OK) == 0 else {
            throw invalid("directory \(directory) is not writable by this process (uid \(getuid())); claiming a file renames it. Give the user cairn runs as write access.")
        }
        for path in [stateDirectory] + ["processing", "done", "failed"].map({ "\(stateDirectory)/\($0)" }) {
            var state = stat()
            guard lstat(path, &state) == 0 else { continue }      // created at start
            guard state.st_mode & S_IFMT == S_IFDIR else {
                throw invalid("\(path) exists but is not a directory (a symlink or a file). Remove it; Cairn creates it.")
            }
            guard state.st_dev == info.st_dev else {
                throw invalid("\(path) lies on another file system than \(directory), so claiming a file could not be an atomic rename. Remove the mount there.")
            }
        }
    }
}
