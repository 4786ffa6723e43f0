import CairnTesting
import Foundation
import Testing

/// Crashes and shutdowns of the real process: committed work is never lost or repeated.
@Suite struct DurabilityTests {
    /// The seed example fetching from a loopback server, so fetches are counted.
    private func config(_ source: LoopbackHTTPServer, pause: String) -> (String) -> String {
        { ServeProcess.seedConfig(directory: $0, pause: pause, source: source.url.absoluteString) }
    }

    @Test func killDashNineDuringTheSleepThenRestartCompletesWithoutRerunningSteps() async throws {
        let source = try LoopbackHTTPServer(body: Data(ServeProcess.sampleIPs.utf8))
        defer { source.stop() }
        // A sleep long enough to be seen and killed in, even when two busy cores delay the polls.
        let serve = try await ServeProcess(config: config(source, pause: "8 seconds"))
        defer { serve.stop() }
        _ = try await serve.request("POST", "/workflows/my-workflow/instances", body: #"{"id": "k1", "params": {"name": "kill"}}"#)
        _ = try await serve.waitForInstance("my-workflow", "k1") { $0["status"] as? String == "waiting" }

        serve.signal(SIGKILL)
        #expect(try await serve.waitForExit() != 0)
        try await serve.start()

        let done = try await serve.waitForInstance("my-workflow", "k1") { $0["status"] as? String == "complete" }
        #expect((done["output"] as? [String: Any])?["name"] as? String == "kill")
        #expect(source.requests == 1)
        let steps = try #require(done["steps"] as? [[String: Any]])
        #expect(steps.map { $0["name"] as? String } == ["fetch data-1", "pause-1", "process data-1"])
        #expect(steps.compactMap { ($0["attempts"] as? [[String: Any]])?.count } == [1, 1])
    }

    @Test func sigtermLetsARunningStepFinishAndCommitsItsResult() async throws {
        let source = try LoopbackHTTPServer(body: Data(ServeProcess.sampleIPs.utf8))
        defer { source.stop() }
        // Long enough that the signal lands while the body runs, even on two busy cores.
        source.delay(milliseconds: 4_000)
        let serve = try await ServeProcess(config: config(source, pause: "1 second"))
        defer { serve.stop() }
        _ = try await serve.request("POST", "/workflows/my-workflow/instances", body: #"{"id": "t1"}"#)
        try await Poll.until { source.requests == 1 }

        serve.signal(SIGTERM)
        #expect(try await serve.waitForExit() == 0)
        let messages = serve.logLines().compactMap { $0["message"] as? String }
        #expect(messages.contains("draining instances"))
        #expect(messages.last == "stopped")

        source.delay(milliseconds: 0)
        try await serve.start()
        let done = try await serve.waitForInstance("my-workflow", "t1") { $0["status"] as? String == "complete" }
        let fetch = try #require((done["steps"] as? [[String: Any]])?.first)
        #expect((fetch["attempts"] as? [[String: Any]])?.count == 1)
        #expect(source.requests == 1)
    }

    @Test func aSecondSignalStopsHardAndTheStepRunsAgainAfterRestart() async throws {
        let source = try LoopbackHTTPServer(body: Data(ServeProcess.sampleIPs.utf8))
        defer { source.stop() }
        // Far longer than a hard stop takes even on a loaded machine (CI's two cores ran it in 3.2 s).
        source.delay(milliseconds: 12_000)
        let serve = try await ServeProcess(config: config(source, pause: "1 second"))
        defer { serve.stop() }
        _ = try await serve.request("POST", "/workflows/my-workflow/instances", body: #"{"id": "h1"}"#)
        try await Poll.until { source.requests == 1 }

        let signalled = ContinuousClock.now
        serve.signal(SIGTERM)
        try await Poll.until { serve.logLines().contains { ($0["message"] as? String)?.hasPrefix("shutting down gracefully") == true } }
        serve.signal(SIGTERM)
        #expect(try await serve.waitForExit() == 0)
        #expect(ContinuousClock.now - signalled < .seconds(9), "a second signal must not wait for the 12 s step")
        #expect(serve.logLines().contains { $0["message"] as? String == "second signal: stopping now" })

        source.delay(milliseconds: 0)
        try await serve.start()
        let done = try await serve.waitForInstance("my-workflow", "h1") { $0["status"] as? String == "complete" }
        let attempts = try #require(((done["steps"] as? [[String: Any]])?.first?["attempts"]) as? [[String: Any]])
        #expect(attempts.map { $0["success"] as? Bool } == [false, true])
        #expect((attempts.first?["error"] as? [String: Any])?["name"] as? String == "WorkflowInternalError")
        #expect(source.requests == 2)
    }
}
