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

/// The pipelines shipped in `etc/cairn.toml`, served from the sample config itself with
/// short durations, its signup hooks uncommented and its relay pointed at a real SMTP server.
@Suite struct SamplePipelineTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let secret = "e2e-signup-secret-0123456789"

    static func sample(smtpPort: Int) throws -> String {
        var text = try String(contentsOf: repository.appendingPathComponent("etc/cairn.toml"), encoding: .utf8)
        func swap(_ old: String, _ new: String) throws {
            guard text.contains(old) else { throw TestFailure("etc/cairn.toml no longer holds \(old); update this test with the sample") }
            text = text.replacingOccurrences(of: old, with: new)
        }
        try swap("\"etc/", "\"\(repository.path)/etc/")
        try swap("\"mail/", "\"\(repository.path)/etc/mail/")
        try swap("url = \"smtp://127.0.0.1:2525\"", "url = \"smtp://127.0.0.1:\(smtpPort)\"")
        try swap("sleep = \"3 days\"", "sleep = \"1 second\"")
        try swap("timeout = \"4 days\"", "timeout = \"8 seconds\"")      // Ada's event must beat it on a loaded 2-core CI
        try swap("env:SIGNUP_WEBHOOK_SECRET", secret)
        // Uncomment the signup hooks.
        guard let from = text.range(of: "# >>> signup hooks\n"), let to = text.range(of: "# <<< signup hooks\n") else {
            throw TestFailure("etc/cairn.toml has no '# >>> signup hooks' block")
        }
        let hooks = text[from.upperBound..<to.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix("# ") ? String($0.dropFirst(2)) : $0 == "#" ? "" : String($0) }.joined(separator: "\n")
        text.replaceSubrange(from.lowerBound..<to.upperBound, with: hooks)
        return text
    }

    /// Posts a signed delivery (HMAC-SHA256 hex of the body, by openssl) to a hook.
    static func deliver(_ serve: ServeProcess, hook: String, _ body: String, delivery: String) async throws -> ServeProcess.Reply {
        let digest = try OpenSSLHMAC.sha256Hex(body, secret: secret)
        return try await serve.request("POST", "/hooks/\(hook)", body: body, headers: ["X-Signature": "sha256=" + digest, "X-Delivery": delivery])
    }

    @Test func theSignupLifecycleAndTheNightlyReportRunAsShippedAgainstARealSMTPServer() async throws {
        let mailDirectory = try TemporaryDirectory(prefix: "cairn-e2e-smtp")
        defer { mailDirectory.remove() }
        let sink = try await SMTPSink.start(in: mailDirectory.file("sink"))
        defer { sink.stop() }
        let sample = try Self.sample(smtpPort: sink.port)
        let serve = try await ServeProcess(config: { directory in sample.replacingOccurrences(of: "\"var/", with: "\"\(directory)/data/") })
        defer { serve.stop() }

        // Two signups through the signed webhook; Ada activates, Bob does not.
        let ada = try await Self.deliver(serve, hook: "signup", #"{"email": "ada@example.com", "name": "Ada <3"}"#, delivery: "d-1")
        let bob = try await Self.deliver(serve, hook: "signup", #"{"email": "bob@example.com", "name": "Bob"}"#, delivery: "d-2")
        #expect(ada.status == 202 && bob.status == 202, "\(ada.text) \(bob.text)")
        let adaID = try #require(ada.json["instance"] as? String), bobID = try #require(bob.json["instance"] as? String)
        let welcomes = try await sink.messages(count: 2)
        #expect(Set(welcomes.map(\.subject)) == ["Welcome to Cairn, Ada <3", "Welcome to Cairn, Bob"])
        let adaWelcome = try #require(welcomes.first { $0.rcptTos == ["ada@example.com"] })
        #expect(adaWelcome.text?.contains("Hello Ada <3,") == true)
        #expect(adaWelcome.html?.contains("Hello Ada &lt;3,") == true && adaWelcome.html?.contains("<b>ada@example.com</b>") == true)
        #expect(adaWelcome.header("From") == "Cairn <cairn@localhost>" && adaWelcome.messageID.hasSuffix("@cairn.localhost>"))
        #expect(adaWelcome.defects.isEmpty && adaWelcome.maxLine <= 78)

        _ = try await serve.waitForInstance("signup-lifecycle", adaID) { ($0["waiting_for"] as? String) == "event" }
        let activated = try await Self.deliver(serve, hook: "activated", #"{"instance": "\#(adaID)"}"#, delivery: "d-3")
        #expect(activated.status == 202, "\(activated.text)")
        let adaDone = try await serve.waitForInstance("signup-lifecycle", adaID) { ($0["status"] as? String) == "complete" }
        let bobDone = try await serve.waitForInstance("signup-lifecycle", bobID) { ($0["status"] as? String) == "complete" }
        #expect((adaDone["output"] as? [String: Any])?["reminder"] is NSNull, "\(adaDone)")
        let bobReminder = (bobDone["output"] as? [String: Any])?["reminder"] as? String
        #expect(bobReminder?.hasPrefix("<\(bobID).reminder.") == true, "\(bobDone)")

        // The nightly report mails its summary.
        let report = try await serve.request("POST", "/workflows/nightly-report/instances",
                                             body: #"{"id": "r-1", "params": {"url": "\#(serve.baseURL)/healthz", "report_to": "Ops <ops@example.com>"}}"#)
        #expect(report.status == 201, "\(report.text)")
        let reported = try await serve.waitForInstance("nightly-report", "r-1") { ($0["status"] as? String) == "complete" }
        #expect((reported["output"] as? [String: Any])?["status"] as? String == "ok", "\(reported)")

        // Exactly: two welcomes, Bob's reminder, the report.
        // Every instance has ended, so nothing more is on its way.
        let all = try await sink.messages(count: 4)
        #expect(all.count == 4)
        #expect(all.map(\.subject).sorted() == ["Nightly report: ok", "Welcome to Cairn, Ada <3", "Welcome to Cairn, Bob", "Your Cairn trial ends soon"])
        let reminder = try #require(all.first { $0.subject == "Your Cairn trial ends soon" })
        #expect(reminder.rcptTos == ["bob@example.com"] && reminder.messageID == bobReminder)
        #expect(all.first { $0.subject.hasPrefix("Nightly") }?.rcptTos == ["ops@example.com"])
    }
}
