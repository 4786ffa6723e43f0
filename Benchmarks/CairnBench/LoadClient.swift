import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A lean HTTP/1.1 load generator: one thread and one keep-alive connection per client,
/// blocking sockets, so the client costs little of the two cores the server also needs.
enum LoadClient {
    struct Outcome {
        var acknowledged = 0
        var refused = 0
        var latencies = Samples()
        var errors: [String] = []
    }

    static func run(port: Int, connections: Int, duration: Duration, request: String) -> Outcome {
        let bytes = Array(request.utf8)
        return run(port: port, connections: connections, duration: duration, acknowledged: 201) { _, _ in bytes }
    }

    /// Each connection sends `request(connection, n)` for its n-th request (signed deliveries
    /// differ in ID and signature); a response with status `acknowledged` counts.
    static func run(port: Int, connections: Int, duration: Duration, acknowledged: Int,
                    request: @escaping @Sendable (_ connection: Int, _ n: Int) -> [UInt8]) -> Outcome {
        let deadline = ContinuousClock.now + duration
        let results = Mutex<[Outcome]>([])
        let group = DispatchGroup()
        for connection in 0..<connections {
            group.enter()
            let thread = Thread {
                let outcome = Self.client(port: port, deadline: deadline, acknowledged: acknowledged) { request(connection, $0) }
                results.withLock { $0.append(outcome) }
                group.leave()
            }
            thread.stackSize = 256 << 10
            thread.start()
        }
        group.wait()
        return results.withLock { outcomes in
            var total = Outcome()
            for outcome in outcomes {
                total.acknowledged += outcome.acknowledged
                total.refused += outcome.refused
                total.latencies.add(contentsOf: outcome.latencies)
                total.errors += outcome.errors
            }
            return total
        }
    }

    private static func client(port: Int, deadline: ContinuousClock.Instant, acknowledged: Int, request make: (Int) -> [UInt8]) -> Outcome {
        var outcome = Outcome()
        var fd = connect(port: port)
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        var sent = 0
        while ContinuousClock.now < deadline {
            let request = make(sent)
            sent += 1
            if fd < 0 {
                outcome.errors.append("connect failed: \(errno)")
                return outcome
            }
            let start = ContinuousClock.now
            guard sendAll(fd, request), let status = readResponse(fd, &buffer) else {
                close(fd)
                fd = connect(port: port)
                continue
            }
            let elapsed = ContinuousClock.now - start
            outcome.latencies.add(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            if status == acknowledged { outcome.acknowledged += 1 } else { outcome.refused += 1 }
        }
        if fd >= 0 { close(fd) }
        return outcome
    }

    private static func connect(port: Int) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return -1 }
        var yes: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result != 0 {
            close(fd)
            return -1
        }
        return fd
    }

    private static func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    /// Reads one response (headers, then Content-Length bytes); returns its status code.
    private static func readResponse(_ fd: Int32, _ buffer: inout [UInt8]) -> Int? {
        var received: [UInt8] = []
        var headerEnd: Int?
        while headerEnd == nil {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { return nil }
            received.append(contentsOf: buffer[0..<count])
            headerEnd = find(received, [13, 10, 13, 10])
        }
        guard let end = headerEnd else { return nil }
        let head = String(decoding: received[0..<end], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        guard let statusLine = lines.first, statusLine.split(separator: " ").count >= 2,
              let status = Int(statusLine.split(separator: " ")[1]) else { return nil }
        var length = 0
        for line in lines.dropFirst() where line.lowercased().hasPrefix("content-length:") {
            length = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
        }
        var bodyReceived = received.count - (end + 4)
        while bodyReceived < length {
            let count = recv(fd, &buffer, Swift.min(buffer.count, length - bodyReceived), 0)
            if count <= 0 { return nil }
            bodyReceived += count
        }
        return status
    }

    private static func find(_ haystack: [UInt8], _ needle: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for index in 0...(haystack.count - needle.count) where haystack[index] == needle[0] {
            if Array(haystack[index..<(index + needle.count)]) == needle { return index }
        }
        return nil
    }
}
