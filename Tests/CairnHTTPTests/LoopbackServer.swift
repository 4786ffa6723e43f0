import Foundation
import Hummingbird
import Logging
import Synchronization

/// A real HTTP server on a free loopback port, with the routes the HTTP plugin's tests need.
final class LoopbackServer: Sendable {
    let port: Int
    private let task: Task<Void, any Error>
    /// Requests per path, to see how often a route was hit.
    final class Hits: Sendable {
        let counts = Mutex<[String: Int]>([:])
        var isEmpty: Bool { counts.withLock { $0.isEmpty } }
    }

    let hits: Hits

    var base: String { "http://127.0.0.1:\(port)" }

    init() async throws {
        let router = Router()
        let ready = AsyncStream<Int>.makeStream()
        let hits = Hits()
        self.hits = hits
        @Sendable func count(_ path: String) -> Int { hits.counts.withLock { $0[path, default: 0] += 1; return $0[path]! } }
        router.get("json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"prices":[1,2,3],"currency":"EUR"}"#)))
        }
        router.get("text") { _, _ in "plain words" }
        router.get("binary") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: .init(byteBuffer: ByteBuffer(bytes: [0xFF, 0x00, 0xFE, 0x01])))
        }
        router.get("latin1") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(bytes: [0x63, 0x61, 0x66, 0xE9])))
        }
        router.get("big") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(repeating: UInt8(ascii: "x"), count: 2 << 20)))
        }
        for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete, .head] {
            router.on("echo", method: method) { request, _ in
                let body = try await request.body.collect(upTo: 1 << 20)
                let headers = request.headers.map { "\"\($0.name.canonicalName.lowercased())\":\"\($0.value.replacingOccurrences(of: "\"", with: "'"))\"" }.joined(separator: ",")
                let text = String(buffer: body).replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                let json = #"{"method":"\#(request.method.rawValue)","query":"\#(request.uri.query ?? "")","body":"\#(text)","headers":{\#(headers)}}"#
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: json)))
            }
        }
        router.get("redirect/:n") { _, context in
            let n = Int(try context.parameters.require("n")) ?? 0
            guard n > 0 else { return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"arrived":true}"#))) }
            return Response(status: .found, headers: [.location: "/redirect/\(n - 1)"])
        }
        router.get("elsewhere") { request, _ in
            Response(status: .found, headers: [.location: request.uri.queryParameters.get("to") ?? "/"])
        }
        router.get("to-ftp") { _, _ in Response(status: .movedPermanently, headers: [.location: "ftp://127.0.0.1/file"]) }
        router.post("see-other") { _, _ in Response(status: .seeOther, headers: [.location: "/echo"]) }
        router.get("slow") { _, _ in
            try await Task.sleep(for: .seconds(3))
            return "late"
        }
        router.get("missing") { _, _ in Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: "no such thing"))) }
        router.get("flaky") { _, _ in
            count("flaky") == 1 ? Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: "busy"))) : Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "recovered")))
        }
        router.get("throttled") { _, _ in
            count("throttled") == 1
                ? Response(status: .tooManyRequests, headers: [.retryAfter: "7"], body: .init(byteBuffer: ByteBuffer(string: "slow down")))
                : Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"ok":true}"#)))
        }
        var logger = Logger(label: "loopback")
        logger.logLevel = .critical     // cancellation at the end of each test is not news
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in ready.continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        task = Task { try await app.runService() }
        var iterator = ready.stream.makeAsyncIterator()
        port = await iterator.next() ?? 0
    }

    func stop() { task.cancel() }
}
