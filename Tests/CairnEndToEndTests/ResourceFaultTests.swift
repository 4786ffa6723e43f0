import CairnTesting
import Foundation
import Testing

/// The real `cairn serve` out of file descriptors (started under `prlimit --nofile=128`): it
/// stops accepting connections without crashing, says so in its log, keeps what it
/// committed, and serves again once descriptors are free.
@Suite struct ResourceFaultTests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/prlimit"), "needs prlimit (util-linux)"))
    func runningOutOfFileDescriptorsRefusesConnectionsAndRecovers() async throws {
        let serve = try await ServeProcess(config: { ServeProcess.seedConfig(directory: $0) }, launcher: ["/usr/bin/prlimit", "--nofile=128:128", "--"])
        defer { serve.stop() }
        let created = try await serve.request("POST", "/workflows/my-workflow/instances", body: #"{"id": "before"}"#)
        #expect(created.status == 201)
        _ = try await serve.waitForInstance("my-workflow", "before") { ($0["status"] as? String) == "complete" }

        // Connections the server accepts and holds until its 128 descriptors are spent.
        var held: [RawConnection] = []
        for _ in 0..<200 {
            guard let connection = try? RawConnection(port: serve.port) else { break }
            held.append(connection)
        }
        // (The kernel completes connections into the listen backlog whether or not the
        // server accepts them, so the count opened here says nothing; the server's own count does.)
        try await Poll.until("a log line saying the descriptors are nearly exhausted", timeout: .seconds(20)) {
            serve.logLines().contains { ($0["message"] as? String)?.hasPrefix("file descriptors nearly exhausted") == true && $0["limit"] as? String == "128" }
        }
        let warning = try #require(serve.logLines().first { ($0["message"] as? String)?.hasPrefix("file descriptors nearly exhausted") == true })
        let open = (warning["open"] as? String).flatMap(Int.init) ?? 128
        #expect(open >= 115, "the warning came with only \(open) of 128 descriptors open")
        #expect(serve.process.isRunning, "the process died of running out of descriptors")

        // Descriptors return: the same process answers and takes work again.
        held.removeAll()
        try await Poll.until("the server to answer again", timeout: .seconds(30)) {
            (try? await serve.request("GET", "/healthz"))?.status == 200
        }
        try await Poll.until("a log line saying descriptors are available again", timeout: .seconds(20)) {
            serve.logLines().contains { ($0["message"] as? String)?.hasPrefix("file descriptors available again") == true }
        }
        let after = try await serve.request("POST", "/workflows/my-workflow/instances", body: #"{"id": "after"}"#)
        #expect(after.status == 201, "\(after.text)")
        _ = try await serve.waitForInstance("my-workflow", "after") { ($0["status"] as? String) == "complete" }
        #expect(try serve.sqlite("SELECT COUNT(*) FROM instances WHERE status = 'complete'") == "2")
        #expect(serve.process.isRunning)
    }
}
