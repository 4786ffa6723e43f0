import Cairn
@testable import CairnEmail
import CairnEngine
import CairnStore
import CairnTesting
import Foundation
import Testing

/// A relay that takes the whole message and never answers: the send is uncertain; the retry
/// sends it again with the same Message-ID (or, with on_uncertain = fail, does not).
@Suite struct UncertainSendTests {
    struct Welcome: Workflow {
        let relay: Email.Relay
        let onUncertain: Email.OnUncertain
        let probe: StepProbe

        func run(event: WorkflowEvent<NoParams>, step: WorkflowStep) async throws -> JSONValue {
            try await step.do("welcome", config: StepConfig(retries: RetryPolicy(limit: 2, delay: "1 second", backoff: .constant))) { context in
                probe.record("welcome")
                let message = Email.Message(from: try .init(parsing: "bot@example.com"), to: [try .init(parsing: "ada@example.com")],
                                            subject: "Welcome", text: "Hello Ada")
                let id = Email.messageID(instance: event.instanceId, step: context.name, message: message, domain: relay.helo)
                return try await Email.send(message, relay: relay, messageID: id, onUncertain: onUncertain, after: context.previousError).jsonValue
            }
        }
    }

    func run(onUncertain: Email.OnUncertain) async throws -> (InstanceRecord, SMTPSink, StepProbe, TemporaryDirectory) {
        let dir = try TemporaryDirectory()
        let sink = try await SMTPSink.start(in: dir.file("sink"), stall: 1)
        let relay = try Email.Relay(url: "smtp://127.0.0.1:\(sink.port)", security: Email.Relay.Security.none, timeout: .seconds(1), helo: "cairn.test")
        let clock = ManualClock()
        let probe = StepProbe()
        var configuration = EngineConfiguration()
        configuration.suspendAfter = .seconds(86_400)
        let done = try await withTestEngine(databasePath: dir.file("c.sqlite"), clock: clock, configuration: configuration, register: {
            try $0.register(Welcome(relay: relay, onUncertain: onUncertain, probe: probe), as: "welcome")
        }) { engine in
            _ = try await engine.create("welcome", id: "signup-7")
            try await probe.waitUntilRun("welcome", times: 1)
            if onUncertain == .resend {
                _ = try await clock.waitForSleeper(secondsFromNow: 1, timeout: .seconds(20))
                clock.advance(by: 1)
            }
            return try await engine.waitForCompletion("welcome", id: "signup-7")
        }
        return (done, sink, probe, dir)
    }

    @Test func theRetryAfterAStallResendsWithTheSameMessageIDAndSaysItWasUncertain() async throws {
        let (done, sink, probe, dir) = try await run(onUncertain: .resend)
        defer { sink.stop(); dir.remove() }
        #expect(done.status == .complete)
        #expect(probe.runs(of: "welcome") == 2)
        let stalled = try sink.received(stalled: true)
        let delivered = try await sink.messages(count: 1)
        #expect(stalled.count == 1 && delivered.count == 1)
        #expect(stalled[0].messageID == delivered[0].messageID)
        #expect(delivered[0].messageID.hasPrefix("<signup-7.welcome."))
        let output = try JSONValue(json: try #require(done.output))
        #expect(output["uncertain"] == true)
        #expect(output["message_id"]?.stringValue == delivered[0].messageID)
        #expect(output["code"] == 250)
    }

    @Test func onUncertainFailStopsInsteadOfSendingASecondCopy() async throws {
        let (done, sink, probe, dir) = try await run(onUncertain: .fail)
        defer { sink.stop(); dir.remove() }
        #expect(done.status == .errored)
        #expect(probe.runs(of: "welcome") == 1)
        #expect(done.error?.message.contains("may have been delivered") == true, "\(String(describing: done.error))")
        #expect(try sink.received(stalled: true).count == 1)
        #expect(try sink.received().isEmpty)
    }

    @Test func aSendCancelledBeforeItsThreadFreesUpNeverStarts() throws {
        let cancelled = SMTPTransfer.Cancellation()
        cancelled.cancel()
        let relay = try Email.Relay(url: "smtp://127.0.0.1:9", security: Email.Relay.Security.none, helo: "cairn.test")
        let transfer = SMTPTransfer(relay: relay, from: "bot@example.com", recipients: ["ada@example.com"], message: Data("x".utf8))
        #expect {
            try transfer.perform(cancellation: cancelled)
        } throws: { error in
            guard case SMTPTransfer.Failure.transport(let reason, _, let uncertain) = error else { return false }
            return !uncertain && reason.contains("before it started")
        }
    }

    /// A step timeout shorter than the relay's stall: the attempt is cut off (curl aborted),
    /// and with on_uncertain = fail the retry does not send again.
    struct Impatient: Workflow {
        let relay: Email.Relay
        func run(event: WorkflowEvent<NoParams>, step: WorkflowStep) async throws -> JSONValue {
            try await step.do("welcome", config: StepConfig(retries: RetryPolicy(limit: 2, delay: "1 second", backoff: .constant), timeout: "1 second")) { context in
                let message = Email.Message(from: try .init(parsing: "bot@example.com"), to: [try .init(parsing: "ada@example.com")], subject: "Hi", text: "x")
                return try await Email.send(message, relay: relay, messageID: "<i@cairn.test>", onUncertain: .fail, after: context.previousError).jsonValue
            }
        }
    }

    @Test func aStepTimeoutDuringASendCountsAsUncertain() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let sink = try await SMTPSink.start(in: dir.file("sink"), stall: 5)
        defer { sink.stop() }
        let relay = try Email.Relay(url: "smtp://127.0.0.1:\(sink.port)", security: Email.Relay.Security.none, timeout: .seconds(30), helo: "cairn.test")
        var configuration = EngineConfiguration()
        configuration.suspendAfter = .seconds(86_400)
        let clock = ManualClock()
        let done = try await withTestEngine(databasePath: dir.file("c.sqlite"), clock: clock, configuration: configuration, register: {
            try $0.register(Impatient(relay: relay), as: "impatient")
        }) { engine in
            _ = try await engine.create("impatient", id: "t-1")
            // The relay holds the whole message unanswered; the step's second passes.
            _ = try await sink.messages(count: 1, stalled: true)
            _ = try await clock.waitForSleeper(secondsFromNow: 1)
            clock.advance(by: 1)
            _ = try await clock.waitForSleeper(secondsFromNow: 1)      // the retry's delay
            clock.advance(by: 1)
            return try await engine.waitForCompletion("impatient", id: "t-1")
        }
        #expect(done.status == .errored)
        #expect(done.error?.message.contains("may have delivered") == true, "\(String(describing: done.error))")
        #expect(try sink.received(stalled: true).count == 1 && sink.received().isEmpty)
    }

    @Test func aRetryAfterACrashCountsAsUncertain() async throws {
        let message = Email.Message(from: try .init(parsing: "bot@example.com"), to: [try .init(parsing: "ada@example.com")], subject: "Hi", text: "x")
        let relay = try Email.Relay(url: "smtp://127.0.0.1:9", security: Email.Relay.Security.none, helo: "cairn.test")
        let crashed = ErrorInfo(name: "WorkflowInternalError", message: "Attempt failed due to internal workflows error")
        let error = await #expect(throws: NonRetryableError.self) {
            try await Email.send(message, relay: relay, messageID: "<t@cairn.test>", onUncertain: .fail, after: crashed)
        }
        #expect(error?.message.contains("on_uncertain = \"fail\"") == true)
        // A step timeout cut the attempt short: as uncertain.
        await #expect(throws: NonRetryableError.self) {
            try await Email.send(message, relay: relay, messageID: "<t@cairn.test>", onUncertain: .fail, after: ErrorInfo(name: "WorkflowTimeoutError", message: "timed out"))
        }
        // A clean failure before (a refused connection) is not uncertain: the retry just sends.
        let clean = await #expect(throws: SMTPRetryableError.self) {
            try await Email.send(message, relay: relay, messageID: "<t@cairn.test>", onUncertain: .fail, after: ErrorInfo(name: "SMTPRetryableError", message: "refused"))
        }
        #expect(clean?.uncertain == false)
        // After an uncertain attempt, a clean failure stays uncertain for the attempt after it.
        let sticky = await #expect(throws: SMTPRetryableError.self) {
            try await Email.send(message, relay: relay, messageID: "<t@cairn.test>", after: ErrorInfo(name: SMTPRetryableError.uncertainName, message: "no reply"))
        }
        #expect(sticky?.uncertain == true && sticky?.errorName == SMTPRetryableError.uncertainName)
    }
}
