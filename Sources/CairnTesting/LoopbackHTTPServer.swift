import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A minimal HTTP/1.1 server on 127.0.0.1 and a free port, for tests that need a real
/// endpoint. Answers every request with the configured status and body, and counts them.
public final class LoopbackHTTPServer: Sendable {
    public let port: UInt16
    private let socketFD: Int32
    private let response = Mutex<(status: Int, body: Data)>((200, Data()))
    private let delayMilliseconds = Atomic<Int>(0)
    private let requestCount = Atomic<Int>(0)

    public init(status: Int = 200, body: Data) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket() failed: \(errno)") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw TestFailure("bind/listen failed: \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        socketFD = fd
        response.withLock { $0 = (status, body) }
        let thread = Thread { [self] in self.acceptLoop() }
        thread.start()
    }

    public var url: URL { URL(string: "http://127.0.0.1:\(port)/")! }
    public var requests: Int { requestCount.load(ordering: .relaxed) }

    public func respond(status: Int, body: Data) {
        response.withLock { $0 = (status, body) }
    }

    /// Answers each request only after this long (to hold a step mid-body).
    public func delay(milliseconds: Int) {
        delayMilliseconds.store(milliseconds, ordering: .relaxed)
    }

    public func stop() {
        shutdown(socketFD, Int32(SHUT_RDWR))
        close(socketFD)
    }

    private func acceptLoop() {
        while true {
            let client = accept(socketFD, nil, nil)
            if client < 0 { return }
            handle(client)
        }
    }

    private func handle(_ client: Int32) {
        defer { close(client) }
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !received.contains(Data("\r\n\r\n".utf8)) {
            let count = recv(client, &buffer, buffer.count, 0)
            if count <= 0 { return }
            received.append(buffer, count: count)
        }
        requestCount.add(1, ordering: .relaxed)
        let delay = delayMilliseconds.load(ordering: .relaxed)
        if delay > 0 { usleep(useconds_t(delay * 1000)) }
        let (status, body) = response.withLock { $0 }
        var reply = Data("HTTP/1.1 \(status) X\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n".utf8)
        reply.append(body)
        reply.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let sent = send(client, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent <= 0 { return }
                offset += sent
            }
        }
    }
}

extension Data {
    fileprivate func contains(_ other: Data) -> Bool { range(of: other) != nil }
}
