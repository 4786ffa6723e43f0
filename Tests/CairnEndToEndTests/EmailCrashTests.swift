import CairnTesting
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `cairn serve` killed while a relay holds a sent message unanswered: after the restart the
/// step knows the send was uncertain and sends again with the same Message-ID.
@Suite struct EmailCrashTests {
    @Test func aKillDuringASendResendsTheSameMessageIDAndSaysItWasUncertain() async throws {
        let mailDirectory = try TemporaryDirectory(prefix: "cairn-e2e-smtp")
        defer { mailDirectory.remove() }
        let sink = try await SMTPSink.start(in: mailDirectory.file("sink"), stall: 1)
        defer { sink.stop() }
        let serve = try await ServeProcess(config: { directory in
            ServeProcess.seedConfig(directory: directory) + """

                [plugins.email]
                url = "smtp://127.0.0.1:\(sink.port)"
                tls = "none"
                from = "Cairn <cairn@example.com>"
                helo = "cairn.test"
                timeout = "60 seconds"

                [[pipelines]]
                name = "mailer"
                params = { to = "string" }

                [[pipelines.steps]]
                name = "welcome"
                action = "email.send"
                with = { to = "{{ params.to }}", subject = "Welcome", text = "Hello" }
                retries = { limit = 3, delay = "1 second", backoff = "constant" }
                """
        })
        defer { serve.stop() }
        let created = try await serve.request("POST", "/workflows/mailer/instances", body: #"{"id": "m-1", "params": {"to": "ada@example.com"}}"#)
        #expect(created.status == 201, "\(created.text)")
        // The relay has the whole message and has not answered: kill the appliance now.
        let stalled = try await sink.messages(count: 1, stalled: true)
        serve.signal(SIGKILL)
        _ = try await serve.waitForExit()
        try await serve.start()
        let done = try await serve.waitForInstance("mailer", "m-1") { ($0["status"] as? String) == "complete" }
        let output = done["output"] as? [String: Any]
        #expect(output?["uncertain"] as? Bool == true, "\(done)")
        let delivered = try await sink.messages(count: 1)
        #expect(delivered.count == 1 && delivered[0].messageID == stalled[0].messageID)
        #expect(output?["message_id"] as? String == stalled[0].messageID)
        let attempts = ((done["steps"] as? [[String: Any]])?.first?["attempts"] as? [[String: Any]]) ?? []
        #expect(attempts.count == 2 && (attempts.first?["error"] as? [String: Any])?["name"] as? String == "WorkflowInternalError", "\(done)")
    }
}
