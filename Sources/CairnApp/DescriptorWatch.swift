import Foundation
import Logging
import ServiceLifecycle
#if canImport(Glibc)
import Glibc
#endif

/// Watches the process's open file descriptors against its limit (`ulimit -n`), because
/// running out is otherwise silent: the HTTP server stops accepting connections (new clients
/// wait) and backs off until descriptors return, which it then does by itself. This logs a
/// warning naming the numbers and the fix when 90 % are in use (or none can be opened to
/// look), and a notice once usage is back under 80 %.
struct DescriptorWatch: Service {
    let logger: Logger
    var interval: Duration = .seconds(2)

    /// Open descriptors and the soft limit; `nil` open count when even listing them failed
    /// (which means the process is out of descriptors).
    static func usage() -> (open: Int?, limit: Int) {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        let soft = limit.rlim_cur >= rlim_t(Int.max) ? Int.max : Int(limit.rlim_cur)       // RLIM_INFINITY is all ones
        guard let directory = opendir("/proc/self/fd") else { return (nil, soft) }
        defer { closedir(directory) }
        var count = -1          // the directory's own descriptor is listed too
        while let entry = readdir(directory) {
            let name = entry.pointee.d_name.0
            if name != UInt8(ascii: ".") { count += 1 }
        }
        return (count, soft)
    }

    func run() async throws {
        var warned = false
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            let (open, limit) = Self.usage()
            let used = open ?? limit
            if !warned, used * 10 >= limit * 9 {
                warned = true
                logger.warning("file descriptors nearly exhausted: new connections wait until some close; raise the limit (LimitNOFILE= in the systemd unit, ulimit -n) or find what holds them",
                               metadata: ["open": "\(open.map(String.init) ?? "all")", "limit": "\(limit)"])
            } else if warned, used * 10 < limit * 8 {
                warned = false
                logger.notice("file descriptors available again; connections are accepted", metadata: ["open": "\(used)", "limit": "\(limit)"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}
