import Foundation
import Hummingbird
import Logging
import Synchronization

/// The loopback server every chaos pipeline step calls (with `http.fetch`): each call is one
/// real execution of a step body, appended to the side-effect ledger before the answer goes
/// out, so the harness counts executions outside Cairn's database. `/flaky` fails the first
/// two calls for each instance and step (HTTP 500, which the step retries).
final class LedgerServer: Sendable {
    /// One line of the ledger.
    struct Entry: Sendable {
        var at: Date
        var instance: String
        var step: String
        var succeeded: Bool
        var hash: String
    }

    let path: String
    private let state = Mutex<State>(State())
    private let portBox = Mutex<Int?>(nil)

    private struct State {
        var entries: [Entry] = []
        var flakyCalls: [String: Int] = [:]
        var handle: FileHandle?
    }

    init(path: String) throws {
        self.path = path
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        state.withLock { $0.handle = handle }
    }

    var port: Int? { portBox.withLock { $0 } }
    var entries: [Entry] { state.withLock { $0.entries } }

    /// Serves until the task is cancelled; returns once it listens.
    func start() async throws -> Task<Void, any Error> {
        let router = Router()
        router.get("step") { request, _ in self.answer(request, flaky: false) }
        router.get("flaky") { request, _ in self.answer(request, flaky: true) }
        var logger = Logger(label: "chaos.ledger")
        logger.logLevel = .critical
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "chaos-ledger"),
                              onServerRunning: { channel in self.portBox.withLock { $0 = channel.localAddress?.port } }, logger: logger)
        // Runs beside the chaos run until it cancels the task.
        let task = Task { try await app.runService() }
        let deadline = ContinuousClock.now + .seconds(10)
        while port == nil {
            guard ContinuousClock.now < deadline else { throw ChaosError("the ledger server did not start listening within 10 s") }
            try await Task.sleep(for: .milliseconds(10))
        }
        return task
    }

    private func answer(_ request: Request, flaky: Bool) -> Response {
        let query = request.uri.queryParameters
        let instance = query.get("i") ?? "?"
        let step = query.get("s") ?? "?"
        let key = instance + "/" + step
        let body = "{\"instance\":\"\(instance)\",\"step\":\"\(step)\"}"
        let hash = String(Fnv.hash(body), radix: 16)
        let succeeded = state.withLock { state -> Bool in
            var ok = true
            if flaky {
                let calls = (state.flakyCalls[key] ?? 0) + 1
                state.flakyCalls[key] = calls
                ok = calls > 2
            }
            let entry = Entry(at: Date(), instance: instance, step: step, succeeded: ok, hash: hash)
            state.entries.append(entry)
            // Written (to the kernel) before the answer: the harness outlives every kill.
            let line = "\(Int64(entry.at.timeIntervalSince1970 * 1000)) \(instance) \(step) \(ok ? "ok" : "fail") \(hash)\n"
            state.handle?.write(Data(line.utf8))
            return ok
        }
        let status: HTTPResponse.Status = succeeded ? .ok : .internalServerError
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: succeeded ? body : "{\"error\":\"flaky on purpose\"}")))
    }
}
