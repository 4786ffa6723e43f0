import CairnTesting
import Foundation
import Testing

/// Many status changes at once on one instance, through the real binary: every request is
/// answered, and SIGTERM still stops the process within its grace period afterwards and
/// while such requests are in flight.
@Suite struct ConcurrentControlTests {
    /// The seed example sleeping in memory (suspend_after is longer than the pause).
    static func config(directory: String) -> String {
        """
        [storage]
        path = "\(directory)/data/cairn.sqlite"

        [engine]
        suspend_after = "5 minutes"
        shutdown_grace = "5 seconds"

        [log]
        level = "info"

        [[workflows]]
        name = "my-workflow"
        type = "seed-example"
        [workflows.options]
        source = "\(directory)/ips.json"
        pause = "60 seconds"
        """
    }

    /// Sends the requests at once; a request that fails (the server went away) counts as 0.
    /// The group never throws: cancelling URLSession's in-flight async requests can deadlock
    /// FoundationNetworking on Linux, so no request is ever cancelled here.
    private func statusChanges(_ serve: ServeProcess, _ id: String, resumes: Int, restarts: Int) async -> [Int] {
        await withTaskGroup(of: Int.self) { group in
            let path = "/workflows/my-workflow/instances/\(id)/status"
            for index in 0..<(resumes + restarts) {
                let action = index < resumes ? "resume" : "restart"
                group.addTask { (try? await serve.request("PATCH", path, body: #"{"status": "\#(action)"}"#).status) ?? 0 }
            }
            var statuses: [Int] = []
            for await status in group { statuses.append(status) }
            return statuses
        }
    }

    @Test func parallelResumesAndRestartsAllAnswerAndSIGTERMStillStops() async throws {
        let serve = try await ServeProcess(config: Self.config)
        defer { serve.stop() }
        _ = try await serve.request("POST", "/workflows/my-workflow/instances", body: #"{"id": "c1"}"#)
        _ = try await serve.waitForInstance("my-workflow", "c1") { $0["status"] as? String == "waiting" }

        // Each request has its own 30 s timeout, so a hang shows up as a 0 here.
        let statuses = await statusChanges(serve, "c1", resumes: 2, restarts: 10)
        #expect(statuses.sorted() == Array(repeating: 200, count: 12))
        _ = try await serve.waitForInstance("my-workflow", "c1") { $0["status"] as? String == "waiting" }
        #expect(!serve.logText().contains("CONTINUATION MISUSE"))

        serve.signal(SIGTERM)
        #expect(try await serve.waitForExit(timeout: .seconds(15)) == 0)
    }

    @Test func sigtermWhileControlsAreInFlightStopsWithinTheGracePeriod() async throws {
        let serve = try await ServeProcess(config: Self.config)
        defer { serve.stop() }
        _ = try await serve.request("POST", "/workflows/my-workflow/instances", body: #"{"id": "d1"}"#)
        _ = try await serve.waitForInstance("my-workflow", "d1") { $0["status"] as? String == "waiting" }

        // Unstructured: the requests may be cut off by the shutdown; only the exit matters here.
        let inFlight = Task { await statusChanges(serve, "d1", resumes: 5, restarts: 20) }
        serve.signal(SIGTERM)
        let status = try await serve.waitForExit(timeout: .seconds(15))
        #expect(status == 0, "log:\n\(serve.logText())")
        _ = await inFlight.value
        #expect(!serve.logText().contains("CONTINUATION MISUSE"))
    }
}
