import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Creates Cairn's files and directories readable by their owner only, like an SSH key: the
/// database holds every instance's params and outputs. Modes are set with `chmod` after
/// creation, so a permissive umask cannot widen them. Directories the user made are left as
/// they are; files Cairn made are tightened.
public enum OwnerOnly {
    /// Creates `path` and any missing parents with mode 0700. Existing directories keep their mode.
    public static func createDirectory(_ path: String) throws {
        var missing: [String] = []
        var current = path
        while !current.isEmpty, current != "/", !FileManager.default.fileExists(atPath: current) {
            missing.append(current)
            current = (current as NSString).deletingLastPathComponent
        }
        for directory in missing.reversed() {
            if mkdir(directory, 0o700) == 0 {
                chmod(directory, 0o700)
            } else if errno != EEXIST {         // made meanwhile by someone else: theirs, left alone
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
        }
    }

    /// Creates an empty file with mode 0600 unless it exists.
    public static func createFile(_ path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { return }
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        fchmod(fd, 0o600)
        close(fd)
    }

    /// Takes the group's and others' access away from an existing file (missing files are skipped).
    public static func restrict(_ path: String) {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & 0o077 != 0 else { return }
        chmod(path, info.st_mode & 0o700)
    }
}
