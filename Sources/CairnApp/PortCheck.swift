import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Checks that the server's address can be bound before the store is opened, so a busy port
/// fails the start cleanly instead of after the engine has begun recovering instances.
enum PortCheck {
    static func ensureAvailable(host: String, port: Int) throws {
        guard port != 0 else { return }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let info = result else {
            throw StartupError(message: "Cannot resolve server.host \"\(host)\". Use an IP address of this machine, e.g. 127.0.0.1.")
        }
        defer { freeaddrinfo(result) }
        let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard fd >= 0 else { return }
        defer { close(fd) }
        // The server sets SO_REUSEADDR too, so a port in TIME_WAIT is not reported as busy.
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        if bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) != 0 {
            let code = errno
            if code == EADDRINUSE {
                throw StartupError(message: "Port \(port) on \(host) is already in use (is another cairn running?). Stop the other process or set server.port in the config.")
            }
            if code == EADDRNOTAVAIL {
                throw StartupError(message: "Cannot listen on \(host): the address is not on this machine. Set server.host to 127.0.0.1 or an address of this host.")
            }
            if code == EACCES {
                throw StartupError(message: "Not allowed to listen on port \(port) (ports below 1024 need privileges). Use a port of 1024 or more.")
            }
        }
    }
}
