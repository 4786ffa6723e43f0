#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// What `lstat` says about a directory entry, without following a symlink.
struct FileInfo: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        case regular, directory, symlink, fifo, device, socket, other

        /// What a refusal says the entry is.
        var noun: String {
            switch self {
            case .regular: "a regular file"
            case .directory: "a directory"
            case .symlink: "a symbolic link"
            case .fifo: "a FIFO (named pipe)"
            case .device: "a device file"
            case .socket: "a socket"
            case .other: "not a regular file"
            }
        }
    }

    var kind: Kind
    var device: UInt64
    var inode: UInt64
    var links: UInt64
    var size: Int64
    /// Nanoseconds since 1970.
    var modified: Int64
    var changed: Int64

    /// `lstat(path)`, or `nil` when the entry is gone.
    static func of(_ path: [CChar]) -> FileInfo? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return FileInfo(info)
    }

    init(_ info: stat) {
        kind = switch info.st_mode & S_IFMT {
        case S_IFREG: .regular
        case S_IFDIR: .directory
        case S_IFLNK: .symlink
        case S_IFIFO: .fifo
        case S_IFCHR, S_IFBLK: .device
        case S_IFSOCK: .socket
        default: .other
        }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        links = UInt64(info.st_nlink)
        size = Int64(info.st_size)
        modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        changed = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
    }

    /// The modification time as a date.
    var modifiedDate: Date { Date(timeIntervalSince1970: Double(modified) / 1e9) }

    /// Whether size and mtime are those of `other` (a file that has not changed).
    func isSettled(since other: FileInfo) -> Bool {
        inode == other.inode && size == other.size && modified == other.modified
    }
}
