import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The fast path of a drop: inotify on one directory (`IN_CLOSE_WRITE`, `IN_MOVED_TO`),
/// read on a dedicated thread. Names collect in a set (repeats coalesce, memory stays
/// bounded: past 10,000 pending names the set is dropped and a rescan asked for instead),
/// and `onChange` is called so the service wakes. `IN_Q_OVERFLOW`, or losing the watch (the
/// directory was moved or deleted), also asks for a rescan.
final class InotifyWatcher: Sendable {
    /// Why inotify could not be set up (the service then falls back to scanning).
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// What arrived since the last ``take()``.
    struct Arrivals {
        var names: [FileName]
        /// Events were lost: the whole directory must be scanned.
        var rescan: Bool
        /// The watch is gone (the directory was moved or deleted).
        var lost: Bool
    }

    private struct State {
        var names = Set<FileName>()
        var rescan = false
        var lost = false
    }

    static let maxPending = 10_000

    private let descriptor: Int32
    private let state = Mutex(State())
    private let stopped = Atomic<Bool>(false)
    private let onChange: @Sendable () -> Void

    /// Watches `directory`; throws when inotify is unavailable or a limit is reached.
    init(directory: String, onChange: @escaping @Sendable () -> Void) throws(Failure) {
        let descriptor = inotify_init1(Int32(IN_NONBLOCK) | Int32(IN_CLOEXEC))
        guard descriptor >= 0 else {
            let reason = errno == EMFILE
                ? "the per-user limit of inotify instances is reached (/proc/sys/fs/inotify/max_user_instances)"
                : String(cString: strerror(errno))
            throw Failure(description: "cannot start inotify: \(reason)")
        }
        let mask = UInt32(IN_CLOSE_WRITE) | UInt32(IN_MOVED_TO) | UInt32(IN_ONLYDIR) | UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF)
        guard inotify_add_watch(descriptor, directory, mask) >= 0 else {
            let reason = errno == ENOSPC
                ? "the per-user limit of inotify watches is reached (raise /proc/sys/fs/inotify/max_user_watches)"
                : String(cString: strerror(errno))
            Glibc.close(descriptor)
            throw Failure(description: "cannot watch \(directory) with inotify: \(reason)")
        }
        self.descriptor = descriptor
        self.onChange = onChange
        let thread = Thread { [self] in readLoop() }
        thread.name = "cairn-inotify"
        thread.start()
    }

    /// Takes what arrived since the last call.
    func take() -> Arrivals {
        state.withLock { state in
            defer { state = State(lost: state.lost) }
            return Arrivals(names: Array(state.names), rescan: state.rescan, lost: state.lost)
        }
    }

    /// Stops the reading thread and closes the descriptor (on the thread, so a read never
    /// races a reused descriptor).
    func stop() {
        stopped.store(true, ordering: .releasing)
    }

    private func readLoop() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        defer { Glibc.close(descriptor) }
        while !stopped.load(ordering: .acquiring) {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 250)
            if ready <= 0 { continue }
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count <= 0 { continue }
            parse(buffer, count: count)
            onChange()
        }
    }

    /// Walks the `inotify_event` records in `buffer[0..<count]`.
    private func parse(_ buffer: [UInt8], count: Int) {
        var names: [FileName] = []
        var rescan = false
        var lost = false
        var offset = 0
        let header = MemoryLayout<inotify_event>.size
        while offset + header <= count {
            let (mask, length) = buffer.withUnsafeBytes { raw in
                (raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self), Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self)))
            }
            let nameStart = offset + header
            if mask & UInt32(IN_Q_OVERFLOW) != 0 { rescan = true }
            if mask & (UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF) | UInt32(IN_IGNORED)) != 0 { lost = true }
            if mask & (UInt32(IN_CLOSE_WRITE) | UInt32(IN_MOVED_TO)) != 0, mask & UInt32(IN_ISDIR) == 0, length > 0, nameStart + length <= count {
                let bytes = buffer[nameStart..<nameStart + length].prefix { $0 != 0 }
                if !bytes.isEmpty { names.append(FileName(bytes: Array(bytes))) }
            }
            offset = nameStart + length
        }
        state.withLock { state in
            state.names.formUnion(names)
            if state.names.count > Self.maxPending {
                state.names.removeAll()
                state.rescan = true
            }
            state.rescan = state.rescan || rescan
            state.lost = state.lost || lost
        }
    }
}
