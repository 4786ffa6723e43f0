import CairnTesting
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection to the appliance, for what URLSession will not do: send half a
/// request, stream a body slowly, and notice when the server closes the connection.
final class RawConnection: Sendable {
    private let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw TestFailure("connect to port \(port): \(reason)")
        }
    }

    deinit { Glibc.close(fd) }

    /// Sends everything; `false` if the server has closed the connection.
    @discardableResult
    func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    /// Sends `bytes` one at a time, `interval` apart, and stops at once when the server answers
    /// (or closes), as an HTTP client does: a byte sent after the server's final close draws
    /// a reset, which can discard the unread answer. Runs on a GCD thread that waits in
    /// `poll`, so a busy cooperative pool can neither stretch the pauses past the server's
    /// idle timeout nor delay noticing the answer. Returns how many bytes went out.
    func trickle(_ bytes: [UInt8], interval: Duration, for limit: Duration) async -> Int {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: self.blockingTrickle(bytes, interval: interval, for: limit)) }
        }
    }

    private func blockingTrickle(_ bytes: [UInt8], interval: Duration, for limit: Duration) -> Int {
        let end = ContinuousClock.now + limit
        let pause = Int32(interval.components.seconds * 1000 + interval.components.attoseconds / 1_000_000_000_000_000)
        var sent = 0
        for byte in bytes {
            guard ContinuousClock.now < end else { break }
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&entry, 1, 0) > 0 { break }
            var one = byte
            guard Glibc.send(fd, &one, 1, Int32(MSG_NOSIGNAL)) == 1 else { break }
            sent += 1
            entry.revents = 0
            var polled: Int32
            repeat { polled = poll(&entry, 1, pause) } while polled < 0 && errno == EINTR
            if polled > 0 { break }
        }
        return sent
    }

    /// Reads until the server closes the connection (end of stream or reset) or `timeout`
    /// passes; returns what arrived and whether the connection was closed. The blocking
    /// reads run on a GCD thread, so they never hold one of the few cooperative threads.
    func readUntilClosed(timeout: Duration) async -> (text: String, closed: Bool) {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: self.blockingRead(timeout: timeout)) }
        }
    }

    private func blockingRead(timeout: Duration) -> (text: String, closed: Bool) {
        let deadline = ContinuousClock.now + timeout
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while ContinuousClock.now < deadline {
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let left = deadline - ContinuousClock.now
            let milliseconds = Int32(max(1, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
            guard poll(&entry, 1, milliseconds) > 0 else { continue }
            let count = recv(fd, &buffer, buffer.count, 0)
            if count < 0, errno == EINTR { continue }
            if count <= 0 { return (String(decoding: received, as: UTF8.self), true) }
            received += buffer.prefix(count)
        }
        return (String(decoding: received, as: UTF8.self), false)
    }
}
