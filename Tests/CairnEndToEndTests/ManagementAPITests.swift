import CairnTesting
import Foundation
import Testing

/// Every management route, over real HTTP, against a real `cairn serve`.
@Suite struct ManagementAPITests {
    @Test func workflowsListAndInstanceCreationListingAndPaging() async throws {
        let serve = try await ServeProcess(config: { ServeProcess.seedConfig(directory: $0, pause: "1 hour") })
        defer { serve.stop() }

        let single = try await serve.request("POST", "/workflows/my-workflow/instances", body: #"{"id": "a1", "params": {"name": "alpha"}}"#)
        #expect(single.status == 201)
        #expect(single.json["id"] as? String == "a1")
        let duplicate = try await serve.request("POST", "/workflows/my-workflow/instances", body: #"{"id": "a1"}"#)
        #expect(duplicate.status == 409)
        #expect(duplicate.errorCode == "duplicate_instance_id")

        let batch = try await serve.request("POST", "/workflows/my-workflow/instances/batch",
                                            body: #"[{"id": "b1"}, {"instance_id": "b2", "params": {"name": "z"}}, {"id": "a1"}]"#)
        #expect(batch.status == 201)
        #expect((batch.json["instances"] as? [[String: Any]])?.compactMap { $0["id"] as? String }.sorted() == ["b1", "b2"])
        #expect(batch.json["skipped"] as? [String] == ["a1"])

        let workflows = try await serve.request("GET", "/workflows")
        let listed = try #require((workflows.json["workflows"] as? [[String: Any]])?.first)
        #expect(listed["name"] as? String == "my-workflow")
        let counts = try #require(listed["instances"] as? [String: Int])
        #expect(counts.values.reduce(0, +) == 3)
        let one = try await serve.request("GET", "/workflows/my-workflow")
        #expect(one.json["name"] as? String == "my-workflow")

        // Newest first, two per page, and the cursor leads to the rest without overlap.
        let first = try await serve.request("GET", "/workflows/my-workflow/instances?per_page=2")
        let firstIDs = (first.json["instances"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
        #expect(firstIDs.count == 2)
        let cursor = try #require(first.json["cursor"] as? String)
        let second = try await serve.request("GET", "/workflows/my-workflow/instances?per_page=2&cursor=\(cursor)")
        let secondIDs = (second.json["instances"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
        #expect(Set(firstIDs + secondIDs) == ["a1", "b1", "b2"])
        #expect(secondIDs.last == "a1")
        #expect(second.json["cursor"] is NSNull)

        _ = try await serve.waitForInstance("my-workflow", "a1") { $0["status"] as? String == "waiting" }
        let waitingOnes = try await serve.request("GET", "/workflows/my-workflow/instances?status=waiting")
        #expect((waitingOnes.json["instances"] as? [[String: Any]])?.contains { $0["id"] as? String == "a1" } == true)
        let latest = try await serve.request("GET", "/workflows/my-workflow/instances/latest")
        #expect(latest.status == 200)
        #expect(["b1", "b2"].contains(latest.json["id"] as? String ?? ""))
    }

    @Test func statusChangesAndEventsFollowTheLifecycle() async throws {
        let serve = try await ServeProcess(config: { ServeProcess.seedConfig(directory: $0, pause: "1 hour") })
        defer { serve.stop() }
        _ = try await serve.request("POST", "/workflows/my-workflow/instances", body: #"{"id": "s1", "params": {"name": "x"}}"#)
        _ = try await serve.waitForInstance("my-workflow", "s1") { $0["status"] as? String == "waiting" }

        let event = try await serve.request("POST", "/workflows/my-workflow/instances/s1/events/approval", body: #"{"ok": true}"#)
        #expect(event.status == 200)
        #expect(event.json["accepted"] as? Bool == true)

        let paused = try await serve.request("PATCH", "/workflows/my-workflow/instances/s1/status", body: #"{"status": "pause"}"#)
        #expect(paused.status == 200)
        #expect(paused.json["status"] as? String == "paused")
        let stillPaused = try await serve.request("GET", "/workflows/my-workflow/instances/s1")
        #expect(stillPaused.json["status"] as? String == "paused")

        let resumed = try await serve.request("PATCH", "/workflows/my-workflow/instances/s1/status", body: #"{"status": "resume"}"#)
        #expect(resumed.status == 200)
        _ = try await serve.waitForInstance("my-workflow", "s1") { $0["status"] as? String == "waiting" }

        let terminated = try await serve.request("PATCH", "/workflows/my-workflow/instances/s1/status", body: #"{"status": "terminate"}"#)
        #expect(terminated.json["status"] as? String == "terminated")
        let pauseAfterEnd = try await serve.request("PATCH", "/workflows/my-workflow/instances/s1/status", body: #"{"status": "pause"}"#)
        #expect(pauseAfterEnd.status == 409)
        let eventAfterEnd = try await serve.request("POST", "/workflows/my-workflow/instances/s1/events/approval", body: "1")
        #expect(eventAfterEnd.status == 409)
        #expect(eventAfterEnd.errorCode == "instance_finished")

        // Restart wipes the steps and runs again with the original params.
        let restarted = try await serve.request("PATCH", "/workflows/my-workflow/instances/s1/status", body: #"{"status": "restart"}"#)
        #expect(restarted.status == 200)
        let again = try await serve.waitForInstance("my-workflow", "s1") { $0["status"] as? String == "waiting" }
        #expect((again["params"] as? [String: Any])?["name"] as? String == "x")
        #expect((again["steps"] as? [[String: Any]])?.count == 2)
    }

    @Test func badRequestsGetClearErrorsAndCreateNothing() async throws {
        let serve = try await ServeProcess(config: { ServeProcess.seedConfig(directory: $0, pause: "1 hour") })
        defer { serve.stop() }
        let create = "/workflows/my-workflow/instances"

        let unknownWorkflow = try await serve.request("POST", "/workflows/nope/instances")
        #expect(unknownWorkflow.status == 404)
        #expect(unknownWorkflow.errorCode == "workflow_not_found")
        #expect(unknownWorkflow.errorMessage.contains("my-workflow"))
        let unknownInstance = try await serve.request("GET", "\(create)/missing")
        #expect(unknownInstance.status == 404)
        #expect(unknownInstance.errorCode == "instance_not_found")

        let cases: [(body: String, contentType: String?, status: Int, mentions: String)] = [
            (#"{"id": "x""#, "application/json", 400, "not valid JSON"),
            (#"{"id": "x", "parms": {}}"#, "application/json", 400, "parms"),
            (#"{"id": 7}"#, "application/json", 400, "'id'"),
            (#"["x"]"#, "application/json", 400, "JSON object"),
            (#"{"id": "x"}"#, "text/plain", 415, "Content-Type: application/json"),
            (#"{"id": "bad id!"}"#, "application/json", 422, "bad id!"),
            (#"{"params": {"name": 5}}"#, "application/json", 422, "params"),
            ("{\"params\": \"" + String(repeating: "a", count: 5000) + "\"}", "application/json", 413, "limit"),
        ]
        for item in cases {
            let reply = try await serve.request("POST", create, body: item.body, contentType: item.contentType)
            #expect(reply.status == item.status, "\(item.body.prefix(40)) → \(reply.status) \(reply.text.prefix(200))")
            #expect(reply.errorMessage.contains(item.mentions), "\(reply.errorMessage)")
            #expect(reply.headers["content-type"]?.hasPrefix("application/json") == true)
        }
        let badStatus = try await serve.request("PATCH", "\(create)/whatever/status", body: #"{"status": "explode"}"#)
        #expect(badStatus.status == 400 || badStatus.status == 404)
        let badFilter = try await serve.request("GET", "\(create)?status=bogus")
        #expect(badFilter.status == 400)
        let badCursor = try await serve.request("GET", "\(create)?cursor=zzz")
        #expect(badCursor.status == 400)
        let batchTooBig = try await serve.request("POST", "\(create)/batch", body: "[" + Array(repeating: "{}", count: 101).joined(separator: ",") + "]")
        #expect(batchTooBig.status == 422)
        let unknownRoute = try await serve.request("GET", "/nowhere")
        #expect(unknownRoute.status == 404)
        #expect(unknownRoute.errorCode == "not_found")

        // None of the refusals left a row behind.
        let workflows = try await serve.request("GET", "/workflows")
        let counts = (workflows.json["workflows"] as? [[String: Any]])?.first?["instances"] as? [String: Int] ?? ["?": 1]
        #expect(counts.values.reduce(0, +) == 0)
    }

    @Test func managementRoutesNeedTheTokenAndProbesDoNot() async throws {
        let serve = try await ServeProcess(config: { ServeProcess.seedConfig(directory: $0) })
        defer { serve.stop() }

        let attributes = try FileManager.default.attributesOfItem(atPath: serve.directory.file("data/api-token"))
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(serve.token.count == 64)

        for path in ["/workflows", "/workflows/my-workflow/instances", "/workflows/my-workflow/instances/x"] {
            let missing = try await serve.request("GET", path, token: .some(nil))
            #expect(missing.status == 401)
            #expect(missing.headers["www-authenticate"] == "Bearer")
            let wrong = try await serve.request("GET", path, token: .some(String(repeating: "0", count: 64)))
            #expect(wrong.status == 401)
            #expect(!wrong.text.contains(serve.token))
        }
        let refused = try await serve.request("POST", "/workflows/my-workflow/instances", token: .some("nope"))
        #expect(refused.status == 401)

        let health = try await serve.request("GET", "/healthz", token: .some(nil))
        #expect(health.status == 200)
        let ready = try await serve.request("GET", "/readyz", token: .some(nil))
        #expect(ready.status == 200)
        #expect(ready.json["status"] as? String == "ready")
        // Readiness proves a write commits: each check rewrites the health row.
        let firstCheck = try serve.sqlite("SELECT checked_at FROM health")
        #expect(!firstCheck.isEmpty)
        try await Poll.until("a later readiness check writing a later time", timeout: .seconds(10)) {
            _ = try await serve.request("GET", "/readyz", token: .some(nil))
            return (try? serve.sqlite("SELECT checked_at FROM health")).map { $0 != firstCheck } ?? false
        }
        _ = try await serve.request("POST", "/workflows/my-workflow/instances", body: #"{"id": "m1"}"#)
        _ = try await serve.waitForInstance("my-workflow", "m1") { $0["status"] as? String == "complete" }
        let metrics = try await serve.request("GET", "/metrics", token: .some(nil))
        #expect(metrics.status == 200)
        #expect(metrics.text.contains(#"cairn_instances{workflow="my-workflow",status="complete"} 1"#))
        #expect(metrics.text.contains(#"cairn_steps_total{outcome="succeeded"} 2"#))
        #expect(metrics.text.contains("cairn_step_duration_seconds_count 2"))
        #expect(metrics.text.contains("cairn_timers_pending 0"))
        // The refused create left nothing behind.
        let list = try await serve.request("GET", "/workflows/my-workflow/instances")
        #expect((list.json["instances"] as? [[String: Any]])?.count == 1)
    }
}
