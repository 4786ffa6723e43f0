import CairnTesting
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A config pipeline through the real `cairn serve`: created over the API, it fetches from a
/// real HTTP server, sleeps, waits for an event sent with the CLI, skips one conditional step
/// and runs another; a kill -9 in its middle resumes without fetching again.
@Suite struct PipelineTests {
    static func config(_ directory: String, source: URL) -> String {
        ServeProcess.seedConfig(directory: directory) + """

            [[pipelines]]
            name = "onboard"
            params = { email = "string" }
            output = { email = "{{ params.email }}", fetched = "{{ steps.fetch.output.body.result.ipv4_cidrs[0] }}", approved_by = "{{ steps.approval.output.payload.by }}", reminded = "{{ steps.remind.output.skipped | default(false) }}", logged = "{{ steps.log.output.status }}" }

            [[pipelines.steps]]
            name = "fetch"
            action = "http.fetch"
            with = { url = "\(source.absoluteString)ips", query = { user = "{{ params.email }}" } }

            [[pipelines.steps]]
            name = "pause"
            sleep = "2 seconds"

            [[pipelines.steps]]
            name = "approval"
            wait_for_event = { type = "approved", timeout = "1 hour", on_timeout = "continue" }

            [[pipelines.steps]]
            name = "remind"
            action = "http.fetch"
            when = "{{ steps.approval.timed_out }}"
            with = { url = "\(source.absoluteString)remind" }

            [[pipelines.steps]]
            name = "log"
            action = "http.fetch"
            when = "{{ steps.approval.output.payload.by }}"
            with = { url = "\(source.absoluteString)log" }
            """
    }

    @Test func aPipelineRunsEndToEndAndAKillInItsMiddleDoesNotRepeatTheFetch() async throws {
        let source = try LoopbackHTTPServer(body: Data(ServeProcess.sampleIPs.utf8))
        defer { source.stop() }
        let serve = try await ServeProcess(config: { Self.config($0, source: source.url) })
        defer { serve.stop() }
        let check = try await CLI.run(["config", "check", "--config", serve.configPath], in: serve.directory.path)
        #expect(check.code == 0 && check.out.contains("onboard") && check.out.contains("action http.fetch") && check.out.contains("steps.approval.output.payload.by"), "\(check.err)\(check.out)")

        let listed = try await CLI.run(["workflows", "list", "--url", serve.baseURL, "--config", serve.configPath], in: serve.directory.path)
        let rows = listed.out.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(rows.contains { $0.prefix(2) == ["onboard", "pipeline"] } && rows.contains { $0.prefix(2) == ["my-workflow", "swift"] }, "\(listed.out)")
        let refused = try await serve.request("POST", "/workflows/onboard/instances", body: #"{"id": "bad", "params": {"mail": "x"}}"#)
        #expect(refused.status == 422 && refused.errorMessage.contains("'email' is required"), "\(refused.text)")
        let created = try await serve.request("POST", "/workflows/onboard/instances", body: #"{"id": "o-1", "params": {"email": "ada@example.com"}}"#)
        #expect(created.status == 201, "\(created.text)")
        _ = try await serve.waitForInstance("onboard", "o-1") { ($0["status"] as? String) == "waiting" }
        #expect(source.requests == 1)

        // Killed while it sleeps or waits: the fetch already happened and is not repeated.
        serve.signal(SIGKILL)
        _ = try await serve.waitForExit()
        try await serve.start()
        _ = try await serve.waitForInstance("onboard", "o-1", timeout: .seconds(30)) { ($0["waiting_for"] as? String) == "event" }
        let sent = try await CLI.run(["instances", "send-event", "onboard", "o-1", "--type", "approved", "--payload", #"{"by": "bob"}"#,
                                      "--url", serve.baseURL, "--config", serve.configPath], in: serve.directory.path)
        #expect(sent.code == 0, "\(sent.err)")
        let done = try await serve.waitForInstance("onboard", "o-1") { ($0["status"] as? String) == "complete" }
        let output = done["output"] as? [String: Any]
        #expect(output?["email"] as? String == "ada@example.com")
        #expect(output?["fetched"] as? String == "10.0.0.0/8")
        #expect(output?["approved_by"] as? String == "bob")
        #expect(output?["reminded"] as? Bool == true)        // skipped: the event came
        #expect(output?["logged"] as? Int == 200)
        #expect(source.requests == 2)                        // the first fetch and the log, no repeat
    }
}

/// The pipelines shipped in `etc/cairn.toml`, served from the sample config itself.
@Suite struct SamplePipelineTests {
    static var sample: String {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = (try? String(contentsOf: repository.appendingPathComponent("etc/cairn.toml"), encoding: .utf8)) ?? ""
        return text.replacingOccurrences(of: "\"etc/", with: "\"\(repository.path)/etc/")
    }

    @Test func nightlyReportAndSignupLifecycleRunAsShipped() async throws {
        let serve = try await ServeProcess(config: { directory in Self.sample.replacingOccurrences(of: "\"var/", with: "\"\(directory)/data/") })
        defer { serve.stop() }
        let report = try await serve.request("POST", "/workflows/nightly-report/instances",
                                             body: #"{"id": "r-1", "params": {"url": "\#(serve.baseURL)/healthz"}}"#)
        #expect(report.status == 201, "\(report.text)")
        let reported = try await serve.waitForInstance("nightly-report", "r-1") { ($0["status"] as? String) == "complete" }
        let output = reported["output"] as? [String: Any]
        #expect(output?["status"] as? String == "ok" && output?["http_status"] as? Int == 200, "\(reported)")

        let signup = try await serve.request("POST", "/workflows/signup-lifecycle/instances", body: #"{"id": "s-1", "params": {"email": "ada@example.com"}}"#)
        #expect(signup.status == 201, "\(signup.text)")
        _ = try await serve.waitForInstance("signup-lifecycle", "s-1") { ($0["waiting_for"] as? String) == "event" }
        let sent = try await serve.request("POST", "/workflows/signup-lifecycle/instances/s-1/events/activated", body: "{}")
        #expect(sent.status == 202 || sent.status == 200, "\(sent.text)")
        let done = try await serve.waitForInstance("signup-lifecycle", "s-1") { ($0["status"] as? String) == "complete" }
        let steps = (done["steps"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(steps == ["activation-1"], "\(String(describing: steps))")     // activated in time: no nudge
        let missing = try await serve.request("POST", "/workflows/signup-lifecycle/instances", body: #"{"params": {}}"#)
        #expect(missing.status == 422)
    }
}
