import Cairn
import CairnEngine
import CairnStore
import CairnTesting
import Foundation
import Testing

/// A step attempt that outlives its timeout fails with `WorkflowTimeoutError` even if its body
/// never returns, and is retried as any failure is.
@Suite struct StepTimeoutTests {
    struct Hangs: Workflow {
        let probe: StepProbe
        let gate: Gate
        func run(event: WorkflowEvent<NoParams>, step: WorkflowStep) async throws -> String {
            do {
                let config = StepConfig(retries: RetryPolicy(limit: 1, delay: "1 second", backoff: .constant), timeout: "5 seconds")
                return try await step.do("hang", config: config) { _ in
                    probe.record("hang")
                    await gate.wait()          // ignores cancellation, like a stuck call
                    return "unreachable"
                }
            } catch let error as StepError {
                return "\(error.name): \(error.message)"
            }
        }
    }

    /// A body that never suspends cannot be interrupted; if it returns after its timeout,
    /// its result is refused as a timeout all the same.
    struct Overruns: Workflow {
        let clock: ManualClock
        func run(event: WorkflowEvent<NoParams>, step: WorkflowStep) async throws -> String {
            do {
                let config = StepConfig(retries: RetryPolicy(limit: 0), timeout: "5 seconds")
                return try await step.do("busy", config: config) { _ in
                    clock.advance(by: 6)       // six seconds of synchronous work
                    return "late"
                }
            } catch let error as StepError {
                return "\(error.name)"
            }
        }
    }

    @Test func aBodyThatReturnsAfterItsTimeoutWithoutSuspendingStillTimesOut() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let clock = ManualClock()
        try await withTestEngine(databasePath: dir.file("o.sqlite"), clock: clock, configuration: inMemoryWaits(),
                                 register: { try $0.register(Overruns(clock: clock), as: "overruns") }) { engine in
            _ = try await engine.create("overruns", id: "o")
            let done = try await engine.waitForCompletion("overruns", id: "o")
            #expect(done.output == Data(#""WorkflowTimeoutError""#.utf8))
        }
    }

    @Test func aHungBodyTimesOutAndIsRetriedThenFails() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let clock = ManualClock()
        let probe = StepProbe()
        let gate = Gate()
        defer { gate.open() }
        try await withTestEngine(databasePath: dir.file("t.sqlite"), clock: clock, configuration: inMemoryWaits(),
                                 register: { try $0.register(Hangs(probe: probe, gate: gate), as: "hangs") }) { engine in
            _ = try await engine.create("hangs", id: "h")
            try await probe.waitUntilRun("hang")
            _ = try await clock.waitForSleeper(secondsFromNow: 5)
            clock.advance(by: 5)
            _ = try await clock.waitForSleeper(secondsFromNow: 1)      // the retry delay
            clock.advance(by: 1)
            try await probe.waitUntilRun("hang", times: 2)
            _ = try await clock.waitForSleeper(secondsFromNow: 5)
            clock.advance(by: 5)
            let done = try await engine.waitForCompletion("hangs", id: "h")
            #expect(done.status == .complete)
            #expect(done.output == Data(#""WorkflowTimeoutError: Execution timed out after 5000ms""#.utf8))
            let history = try engine.describe("hangs", id: "h")
            #expect(history.attempts.map(\.error?.name) == ["WorkflowTimeoutError", "WorkflowTimeoutError"])
        }
        #expect(probe.runs(of: "hang") == 2)
    }
}
