import Foundation
import Hummingbird
import Logging
import Synchronization

/// The loopback server every chaos pipeline step calls (with `http.fetch`): each call is one
/// real execution of a step body, appended to the side-effect ledger before the answer goes
/// out, so the harness counts executions outside Cairn's database. Each answer carries the
/// execution's own sequence number, so a stored result names the execution it came from.
/// Answers are held 20-250 ms, so that kills land while bodies run. `/flaky` fails the first
/// two calls for each instance and step (HTTP 500, which the step retries).
final class LedgerServer: Sendable {
    /// One line of the ledger.
    struct Entry: Sendable {
        var at: Date
        var instance: String
        var step: String
        var succeeded: Bool
        /// The execution's number, in the answer's body.
        var sequence: Int
        /// The `f` parameter (a dropped file's name), if sent.
        var file: String?
    }

    let path: String
    private let state = Mutex<State>(State())
    private let portBox = Mutex<Int?>(nil)

    private struct State {
        var entries: [Entry] = []
        var flakyCalls: [String: Int] = [:]
        var handle: FileHandle?
        var random = SplitMix64(seed: 0x1ed9e7)
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
        router.get("step") { request, _ in try await self.answer(request, flaky: false) }
        router.get("flaky") { request, _ in try await self.answer(request, flaky: true) }
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

    private func answer(_ request: Request, flaky: Bool) async throws -> Response {
        let query = request.uri.queryParameters
        let instance = query.get("i") ?? "?"
        let step = query.get("s") ?? "?"
        let key = instance + "/" + step
        let (entry, hold) = state.withLock { state -> (Entry, Int) in
            var ok = true
            if flaky {
                let calls = (state.flakyCalls[key] ?? 0) + 1
                state.flakyCalls[key] = calls
                ok = calls > 2
            }
            let entry = Entry(at: Date(), instance: instance, step: step, succeeded: ok, sequence: state.entries.count + 1, file: query.get("f"))
            state.entries.append(entry)
            // Written (to the kernel) before the answer: the harness outlives every kill.
            let line = "\(Int64(entry.at.timeIntervalSince1970 * 1000)) \(instance) \(step) \(ok ? "ok" : "fail") #\(entry.sequence)\(entry.file.map { " f=\($0)" } ?? "")\n"
            state.handle?.write(Data(line.utf8))
            return (entry, 20 + Int(state.random.next() % 230))
        }
        try await Task.sleep(for: .milliseconds(hold))
        let body = entry.succeeded ? Self.body(instance: instance, step: step, sequence: entry.sequence) : "{\"error\":\"flaky on purpose\"}"
        return Response(status: entry.succeeded ? .ok : .internalServerError, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    /// A successful execution's answer (what the step stores as the response's `body`).
    static func body(instance: String, step: String, sequence: Int) -> String {
        "{\"instance\":\"\(instance)\",\"step\":\"\(step)\",\"n\":\(sequence)}"
    }
}
