import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive `flock` on `<database>.lock`, held for a store's lifetime, so that two Cairn
/// processes (or two stores in one process) never run on the same database: both would
/// recover and replay the same instances, and their row IDs would collide.
///
/// The holder writes its pid into the file, so the refusal can name it. The kernel drops the
/// lock when the process dies, so a crash never leaves a stale lock behind.
final class StoreLock: @unchecked Sendable {
    // @unchecked: `descriptor` is only changed under `mutex`.
    private let mutex = NSLock()
    private var descriptor: Int32
    let path: String

    /// Takes the lock for the database at `databasePath`, or throws naming the holder.
    init(databasePath: String) throws {
        path = databasePath + ".lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw StoreError(.cannotOpen, "Cannot create the lock file \(path): \(String(cString: strerror(errno))). Make the data directory writable by the user running Cairn.")
        }
        fchmod(fd, 0o600)      // open's mode is filtered by the umask; the pid is nobody else's business
        guard Self.lock(fd) else {
            let reason = errno
            let holder = Self.readPID(fd)
            close(fd)
            guard reason == EWOULDBLOCK else {
                throw StoreError(.cannotOpen, "Cannot lock \(path): \(String(cString: strerror(reason))).")
            }
            let who = holder.map { "pid \($0)" } ?? "pid unknown"
            throw StoreError(.inUse, "The database is locked: another cairn (\(who)) is using \(databasePath). Stop that process, or set storage.path to another database.")
        }
        let pid = Array("\(getpid())\n".utf8)
        // Best effort: without the pid the lock still holds; only the refusal names no pid.
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, pid, pid.count, 0)
        descriptor = fd
    }

    deinit { release() }

    /// Drops the lock (idempotent). The file stays: removing it would let a third process
    /// lock a new file while a second one waits on the old inode.
    func release() {
        mutex.lock()
        defer { mutex.unlock() }
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    /// Tries for up to a second: a child process forked by this one (a test runner, a plugin
    /// spawning a tool) shares the descriptor until its exec closes it, which can hold a lock
    /// just released for a moment. Another cairn holds it for good and is refused after that.
    private static func lock(_ fd: Int32) -> Bool {
        for attempt in 0..<20 {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return true }
            guard errno == EWOULDBLOCK, attempt < 19 else { return false }
            usleep(50_000)
        }
        return false
    }

    private static func readPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(fd, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        let text = String(decoding: buffer.prefix(count), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return Int32(text)
    }
}
