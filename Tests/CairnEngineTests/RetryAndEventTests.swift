import Cairn
import CairnEngine
import CairnStore
import CairnTesting
import Foundation
import Testing

@Suite struct RetryAndEventTests {
    @Test(arguments: [
        (Backoff.constant, [10.0, 10, 10]),
        (Backoff.linear, [10.0, 20, 30]),
        (Backoff.exponential, [10.0, 20, 40]),
    ])
    func retriesFollowTheBackoffThenThrowIntoRun(backoff: Backoff, gaps: [Double]) async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let clock = ManualClock()
        let probe = StepProbe()
        let times = TimeLog()
        let workflow = AlwaysFails(probe: probe, clock: clock, times: times, retries: RetryPolicy(limit: 3, delay: "10 seconds", backoff: backoff), nonRetryable: false)
        try await withTestEngine(databasePath: dir.file("c.sqlite"), clock: clock, configuration: inMemoryWaits(), register: {
            try $0.register(workflow, as: "fails")
        }) { engine in
            _ = try await engine.create("fails", id: "r")
            for (index, gap) in gaps.enumerated() {
                try await probe.waitUntilRun("flaky", times: index + 1)
                try await clock.waitForSleeper(secondsFromNow: gap)
                clock.advance(by: gap)
            }
            let done = try await engine.waitForCompletion("fails", id: "r")
            #expect(done.status == .complete)
            #expect(String(decoding: done.output ?? Data(), as: UTF8.self) == #""caught StringError: boom 4""#)
            let history = try engine.describe("fails", id: "r")
            #expect(history.steps.first?.status == .failed)
            #expect(history.attempts.count == 4)
            #expect(history.attempts.allSatisfy { $0.success == false })
        }
        #expect(probe.runs(of: "flaky") == 4)
        let observed = zip(times.all.dropFirst(), times.all).map { $0.timeIntervalSince($1) }
        #expect(observed == gaps)
    }

    @Test func aRetryAfterLongerThanThePolicyDelaysTheNextAttemptAndAShorterOneDoesNot() async throws {
        struct SlowDown: RetryAfterError { var retryAfter: Duration }
        struct Throttled: Workflow {
            let probe: StepProbe
            func run(event: WorkflowEvent<NoParams>, step: WorkflowStep) async throws -> Int {
                try await step.do("call", config: StepConfig(retries: RetryPolicy(limit: 3, delay: "10 seconds", backoff: .constant))) { context in
                    probe.record("call")
                    switch context.attempt {
                    case 1: throw SlowDown(retryAfter: .seconds(120))     // longer than the policy: wins
                    case 2: throw SlowDown(retryAfter: .seconds(1))       // shorter: the policy's 10 s stand
                    default: return context.attempt
                    }
                }
            }
        }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let clock = ManualClock()
        let probe = StepProbe()
        try await withTestEngine(databasePath: dir.file("c.sqlite"), clock: clock, configuration: inMemoryWaits(), register: {
            try $0.register(Throttled(probe: probe), as: "t")
        }) { engine in
            _ = try await engine.create("t", id: "r")
            try await probe.waitUntilRun("call", times: 1)
            try await clock.waitForSleeper(secondsFromNow: 120)
            clock.advance(by: 119)
            #expect(probe.runs(of: "call") == 1)
            clock.advance(by: 1)
            try await probe.waitUntilRun("call", times: 2)
            try await clock.waitForSleeper(secondsFromNow: 10)
            clock.advance(by: 10)
            let done = try await engine.waitForCompletion("t", id: "r")
            #expect(done.output == Data("3".utf8))
        }
    }

    @Test func nonRetryableErrorStopsAfterOneAttempt() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let clock = ManualClock()
        let probe = StepProbe()
        let workflow = AlwaysFails(probe: probe, clock: clock, times: TimeLog(), retries: RetryPolicy(), nonRetryable: true)
        try await withTestEngine(databasePath: dir.file("c.sqlite"), clock: clock, register: { try $0.register(workflow, as: "fails") }) { engine in
            _ = try await engine.create("fails", id: "n")
            let done = try await engine.waitForCompletion("fails", id: "n")
            #expect(String(decoding: done.output ?? Data(), as: UTF8.self) == #""caught NonRetryableError: card declined""#)
        }
        #expect(probe.runs(of: "flaky") == 1)
    }

    struct Approval: Workflow {
        func run(event: WorkflowEvent<NoParams>, step: WorkflowStep) async throws -> String {
            try await step.sleep("before", "1 hour")
            let first = try await step.waitForEvent("first", type: "approval", timeout: "1 minute", as: String.self)
            let second = try await step.waitForEvent("second", type: "approval", timeout: "1 minute", as: String.self)
            do {
                _ = try await step.waitForEvent("third", type: "approval", timeout: "1 minute", as: String.self)
                return "unexpected"
            } catch is WaitForEventTimeoutError {
                return "\(first.payload),\(second.payload),timed out"
            }
        }
    }

    @Test func eventsSentBeforeTheWaitAreBufferedInOrderAndTimeoutsAreCatchable() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let clock = ManualClock()
        try await withTestEngine(databasePath: dir.file("c.sqlite"), clock: clock, register: { try $0.register(Approval(), as: "approval") }) { engine in
            _ = try await engine.create("approval", id: "e")
            try await engine.waitFor("approval", id: "e") { $0.status == .waiting }
            try await engine.sendEvent("approval", id: "e", type: "approval", payload: Data(#""alice""#.utf8))
            try await engine.sendEvent("approval", id: "e", type: "approval", payload: Data(#""bob""#.utf8))
            clock.advance(by: 3600)
            try await engine.waitFor("approval", id: "e") { $0.waitingFor == .event }
            clock.advance(by: 60)
            let done = try await engine.waitForCompletion("approval", id: "e")
            #expect(String(decoding: done.output ?? Data(), as: UTF8.self) == #""alice,bob,timed out""#)
            let steps = try engine.describe("approval", id: "e").steps
            #expect(steps.map(\.status) == [.slept, .received, .received, .timedOut])
        }
    }

    struct WaitsLong: Workflow {
        struct Decision: Codable, Sendable { var approved: Bool }
        func run(event: WorkflowEvent<NoParams>, step: WorkflowStep) async throws -> Bool {
            let decision = try await step.waitForEvent("decision", type: "decision", as: Decision.self)
            return try await step.do("act") { _ in decision.payload.approved }
        }
    }

    @Test func anEventWakesASuspendedInstance() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try await withTestEngine(databasePath: dir.file("c.sqlite"), register: { try $0.register(WaitsLong(), as: "long") }) { engine in
            for index in 0..<20 { _ = try await engine.create("long", id: "w\(index)") }
            for index in 0..<20 { try await engine.waitFor("long", id: "w\(index)") { $0.status == .waiting && $0.waitingFor == .event } }
            #expect(await engine.liveInstanceCount() == 0)  // a 24 h wait leaves memory
            let handle = try engine.get("long", id: "w7")
            #expect(try handle.status().instance.status == .waiting)
            try await handle.sendEvent(type: "decision", payload: Data(#"{"approved":true}"#.utf8))
            let done = try await engine.waitForCompletion("long", id: "w7")
            #expect(done.output == Data("true".utf8))
            #expect(try handle.status().steps.map(\.status) == [.received, .succeeded])
            #expect(throws: EngineError.self) { try engine.get("long", id: "missing") }
            #expect(try engine.record("long", id: "w8").status == .waiting)
            await #expect(throws: EngineError.self) { try await engine.sendEvent("long", id: "w7", type: "decision") }
            await #expect(throws: EngineError.self) { try await engine.sendEvent("long", id: "w8", type: "not.valid") }
            await #expect(throws: EngineError.self) { try await engine.sendEvent("long", id: "w8", type: "decision", payload: Data("{not json".utf8)) }
        }
    }
}
