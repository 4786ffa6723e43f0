import Cairn
import CairnEngine
import CairnStore
import CairnTesting
import Foundation
import Testing

/// SDK misuse ends the instance even when caught; oversized results and nested
/// non-retryable failures behave as Cloudflare's engine does.
@Suite struct StepRulesTests {
    struct SwallowsMisuse: Workflow {
        let probe: StepProbe
        func run(event: WorkflowEvent<NoParams>, step: WorkflowStep) async throws -> String {
            try? await step.sleep("x", "3 fortnights")
            probe.record("after misuse")
            return "skipped the sleep"
        }
    }

    @Test func aCaughtMisuseStillEndsTheInstanceAsErrored() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let probe = StepProbe()
        try await withTestEngine(databasePath: dir.file("c.sqlite"), register: { try $0.register(SwallowsMisuse(probe: probe), as: "m") }) { engine in
            _ = try await engine.create("m", id: "a")
            let done = try await engine.waitForCompletion("m", id: "a")
            #expect(done.status == .errored)
            #expect(done.output == nil)
            #expect(done.error?.name == "WorkflowFatalError")
            #expect(done.error?.message.contains("fortnight") == true)
        }
    }

    struct ParallelSameName: Workflow {
        let gate: Gate
        func run(event: WorkflowEvent<NoParams>, step: WorkflowStep) async throws -> Int {
            async let first: Int = step.do("fetch") { _ in
                await gate.wait()
                return 1
            }
            async let second: Int = step.do("fetch") { _ in
                await gate.wait()
                return 2
            }
            return try await first + second
        }
    }

    @Test func parallelStepsWithTheSameNameAreRefused() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let gate = Gate()
        try await withTestEngine(databasePath: dir.file("c.sqlite"), register: { try $0.register(ParallelSameName(gate: gate), as: "p") }) { engine in
            _ = try await engine.create("p", id: "a")
            let done = try await engine.waitForCompletion("p", id: "a")
            gate.open()
            #expect(done.status == .errored)
            #expect(done.error?.message.contains("same time") == true)
        }
    }

    struct ParallelDistinctNames: Workflow {
        func run(event: WorkflowEvent<NoParams>, step: WorkflowStep) async throws -> Int {
            async let first: Int = step.do("fetch a") { _ in 1 }
            async let second: Int = step.do("fetch b") { _ in 2 }
            return try await first + second
        }
    }

    @Test func parallelStepsWithDistinctNamesRun() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try await withTestEngine(databasePath: dir.file("c.sqlite"), register: { try $0.register(ParallelDistinctNames(), as: "p") }) { engine in
            _ = try await engine.create("p", id: "a")
            let done = try await engine.waitForCompletion("p", id: "a")
            #expect(done.status == .complete)
            #expect(done.output == Data("3".utf8))
        }
    }

    struct Oversized: Workflow {
        let probe: StepProbe
        func run(event: WorkflowEvent<NoParams>, step: WorkflowStep) async throws -> String {
            do {
                _ = try await step.do("big", config: StepConfig(retries: RetryPolicy(limit: 2, delay: "1 second", backoff: .constant))) { _ in
                    probe.record("big")
                    return String(repeating: "x", count: 2_000)
                }
                return "stored"
            } catch let error as StepError {
                return "caught \(error.message.contains("limit") ? "the size limit" : error.message)"
            }
        }
    }

    @Test func aStepResultOverTheCapFailsTheAttemptIsRetriedThenCatchable() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let clock = ManualClock()
        let probe = StepProbe()
        var configuration = inMemoryWaits()
        configuration.maxOutputBytes = 1_000
        try await withTestEngine(databasePath: dir.file("c.sqlite"), clock: clock, configuration: configuration,
                                 register: { try $0.register(Oversized(probe: probe), as: "o") }) { engine in
            _ = try await engine.create("o", id: "a")
            for attempt in 1...2 {
                try await probe.waitUntilRun("big", times: attempt)
                _ = try await clock.waitForSleeper(secondsFromNow: 1)
                clock.advance(by: 1)
            }
            let done = try await engine.waitForCompletion("o", id: "a")
            #expect(done.status == .complete)
            #expect(done.output == Data(#""caught the size limit""#.utf8))
            let step = try #require(try engine.describe("o", id: "a").steps.first)
            #expect(step.status == .failed)
            #expect(step.attempts == 3)
        }
        #expect(probe.runs(of: "big") == 3)
    }

    struct NestedNonRetryable: Workflow {
        let probe: StepProbe
        func run(event: WorkflowEvent<NoParams>, step: WorkflowStep) async throws -> String {
            do {
                try await step.do("outer", config: StepConfig(retries: RetryPolicy(limit: 3, delay: "1 second"))) { _ in
                    probe.record("outer")
                    try await step.do("inner \(probe.runs(of: "outer"))") { _ in
                        throw NonRetryableError("card declined")
                    }
                }
                return "unreachable"
            } catch let error as StepError {
                return "\(error.name): \(error.message)"
            }
        }
    }

    @Test func aNonRetryableErrorFromANestedStepStopsTheOuterStepsRetries() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let probe = StepProbe()
        try await withTestEngine(databasePath: dir.file("c.sqlite"), configuration: inMemoryWaits(),
                                 register: { try $0.register(NestedNonRetryable(probe: probe), as: "n") }) { engine in
            _ = try await engine.create("n", id: "a")
            let done = try await engine.waitForCompletion("n", id: "a")
            #expect(done.output == Data(#""NonRetryableError: card declined""#.utf8))
            let outer = try #require(try engine.describe("n", id: "a").steps.first { $0.key.name == "outer" })
            #expect(outer.attempts == 1)
        }
        #expect(probe.runs(of: "outer") == 1)
    }
}
