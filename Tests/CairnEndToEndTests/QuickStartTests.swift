import CairnTesting
import Foundation
import Testing

/// The seed guide's quick start against the real binary: create, watch it run, sleep and complete.
@Suite struct QuickStartTests {
    @Test func anInstanceRunsSleepsAndCompletesWithItsOutput() async throws {
        // 6 s (the guide's is 20): long enough for the polls to see it waiting on two busy cores.
        let serve = try await ServeProcess(config: { ServeProcess.seedConfig(directory: $0, pause: "6 seconds") })
        defer { serve.stop() }

        // As in the guide: a bare POST with no body and no content type.
        let created = try await serve.request("POST", "/workflows/my-workflow/instances", token: .some(serve.token))
        #expect(created.status == 201)
        let id = try #require(created.json["id"] as? String)
        #expect(created.json["status"] as? String == "running")

        let waiting = try await serve.waitForInstance("my-workflow", id) { $0["status"] as? String == "waiting" }
        #expect(waiting["waiting_for"] as? String == "sleep")
        let sleepStep = (waiting["steps"] as? [[String: Any]])?.first { $0["type"] as? String == "sleep" }
        #expect(sleepStep?["name"] as? String == "pause-1")
        #expect(sleepStep?["wake_at"] is String)

        let done = try await serve.waitForInstance("my-workflow", id) { $0["status"] as? String == "complete" }
        let output = try #require(done["output"] as? [String: Any])
        #expect(output["ipCount"] as? Int == 3)
        #expect(output["name"] as? String == "world")
        let steps = try #require(done["steps"] as? [[String: Any]])
        #expect(steps.map { $0["name"] as? String } == ["fetch data-1", "pause-1", "process data-1"])
        #expect(steps.map { $0["status"] as? String } == ["succeeded", "slept", "succeeded"])
        #expect((steps[0]["attempts"] as? [[String: Any]])?.count == 1)
        #expect(done["success"] as? Bool == true)
        #expect(done["ended_on"] is String)
    }
}
