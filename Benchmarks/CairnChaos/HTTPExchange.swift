import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One HTTP/1.1 request on a fresh loopback connection (`Connection: close`), read to the end.
/// The webhook sender's own client: plain sockets, so what it measures (a request unanswered,
/// an answer late) is the appliance's doing, not a client library's connection pool.
enum HTTPExchange {
    struct Answer {
        var status: Int
        var body: String
    }

    /// Sends `POST path` with `headers` and `body`; `nil` when the connection failed, was
    /// closed without a complete answer, or `timeout` passed.
    static func post(port: Int, path: String, headers: [(String, String)], body: Data, timeout: Duration) async -> Answer? {
        await Task.detached { exchange(port: port, path: path, headers: headers, body: body, timeout: timeout) }.value
    }

    private static func exchange(port: Int, path: String, headers: [(String, String)], body: Data, timeout: Duration) -> Answer? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let deadline = ContinuousClock.now + timeout
        var wait = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { return nil }
        var head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\nContent-Length: \(body.count)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        let request = Data((head + "\r\n").utf8) + body
        let sent = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == request.count else { return nil }
        var response = Data()
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while ContinuousClock.now < deadline {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                response.append(contentsOf: buffer[0..<count])
            } else {
                break       // closed (0), or reset / timed out (-1)
            }
        }
        return parse(response)
    }

    /// The status and body of a complete response (`Content-Length` bytes of body).
    static func parse(_ response: Data) -> Answer? {
        guard let end = response.firstRange(of: Data("\r\n\r\n".utf8)) else { return nil }
        let head = String(decoding: response[..<end.lowerBound], as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n")
        let statusParts = lines.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { return nil }
        let body = response[end.upperBound...]
        let length = lines.dropFirst().compactMap { line -> Int? in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
            return Int(parts[1].trimmingCharacters(in: .whitespaces))
        }.first
        if let length, body.count < length { return nil }
        return Answer(status: status, body: String(decoding: body.prefix(length ?? body.count), as: UTF8.self))
    }
}
