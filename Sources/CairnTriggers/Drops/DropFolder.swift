import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A drop's directory and its `.cairn/processing`, `done` and `failed`, addressed by raw
/// file-name bytes (names need not be UTF-8).
struct DropFolder: Sendable {
    /// The subdirectories of `.cairn/`.
    enum Area: String, Sendable, CaseIterable {
        case processing, done, failed
    }

    let directory: String

    /// `directory/.cairn/<area>`.
    func path(of area: Area) -> String { "\(directory)/.cairn/\(area.rawValue)" }

    /// A NUL-terminated path for C calls: the directory (or an area) and `name`.
    func cPath(_ name: FileName, in area: Area? = nil) -> [CChar] {
        let base = area.map { path(of: $0) } ?? directory
        var bytes = Array(base.utf8)
        bytes.append(UInt8(ascii: "/"))
        bytes += name.bytes
        bytes.append(0)
        return bytes.map { CChar(bitPattern: $0) }
    }

    /// Creates `.cairn/` and its areas (mode 0750) where missing.
    func prepare() throws(TriggerError) {
        for path in ["\(directory)/.cairn"] + Area.allCases.map(path(of:)) {
            if mkdir(path, 0o750) != 0, errno != EEXIST {
                throw TriggerError(.invalidDrop, "Cannot create \(path): \(String(cString: strerror(errno))). Let the user cairn runs as write \(directory).")
            }
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
                throw TriggerError(.invalidDrop, "\(path) is not a directory (a file or a symlink is in its place). Remove it; Cairn creates it.")
            }
        }
    }

    /// The entries of the directory (or an area), without `.` and `..`. Throws when it
    /// cannot be read whole: a partial listing must never pass for the truth (reconcile
    /// would take the missing files for vanished ones).
    func list(_ area: Area? = nil) throws(TriggerError) -> [FileName] {
        let base = area.map { path(of: $0) } ?? directory
        guard let stream = opendir(base) else {
            throw TriggerError(.storage, "Cannot read \(base): \(String(cString: strerror(errno))).")
        }
        defer { closedir(stream) }
        var names: [FileName] = []
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                if errno != 0 { throw TriggerError(.storage, "Reading \(base) failed: \(String(cString: strerror(errno))).") }
                return names
            }
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            if bytes == [46] || bytes == [46, 46] { continue }
            names.append(FileName(bytes: bytes))
        }
    }

    /// Renames `name` (in `from`, or the directory) to `target` in `to`; `0` or the errno.
    /// `.cairn` and the areas are opened without following links (`ELOOP`/`ENOTDIR` when one
    /// was replaced by a symlink), so a writer of the directory cannot redirect a move.
    func move(_ name: FileName, from: Area?, to area: Area, as target: FileName) -> Int32 {
        let source = from.map(openArea) ?? open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard source >= 0 else { return errno }
        defer { close(source) }
        let destination = openArea(area)
        guard destination >= 0 else { return errno }
        defer { close(destination) }
        let from = name.bytes.map { CChar(bitPattern: $0) } + [0]
        let to = target.bytes.map { CChar(bitPattern: $0) } + [0]
        return renameat(source, from, destination, to) == 0 ? 0 : errno
    }

    /// A descriptor of `.cairn/<area>`, opened without following a link at either level; -1
    /// (with `errno`) otherwise.
    private func openArea(_ area: Area) -> Int32 {
        let state = open("\(directory)/.cairn", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard state >= 0 else { return -1 }
        defer { close(state) }
        return openat(state, area.rawValue, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
    }

    /// Why `.cairn/` or one of its areas cannot be used (missing, not a real directory, on
    /// another file system than the directory); `nil` when all are fine.
    func stateProblem() -> String? {
        var root = stat()
        guard stat(directory, &root) == 0 else { return "\(directory) cannot be read (\(String(cString: strerror(errno))))" }
        for path in ["\(directory)/.cairn"] + Area.allCases.map(path(of:)) {
            var info = stat()
            guard lstat(path, &info) == 0 else { return "\(path) is missing" }
            guard info.st_mode & S_IFMT == S_IFDIR else { return "\(path) is not a real directory (a symlink or a file is in its place); remove it, Cairn creates it" }
            guard info.st_dev == root.st_dev else { return "\(path) lies on another file system than \(directory), so a claim could not be an atomic rename; remove the mount" }
        }
        return nil
    }

    /// Whether `name` exists in `area` (without following a link).
    func exists(_ name: FileName, in area: Area) -> Bool {
        var info = stat()
        return lstat(cPath(name, in: area), &info) == 0
    }

    /// Deletes `name` from `area`; true when it is gone.
    func remove(_ name: FileName, in area: Area) -> Bool {
        unlink(cPath(name, in: area)) == 0 || errno == ENOENT
    }
}
