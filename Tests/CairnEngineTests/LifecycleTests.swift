import Cairn
import CairnEngine
import CairnStore
import CairnTesting
import Foundation
import Testing

@Suite struct LifecycleTests {
    struct Sleeper: Workflow {
        let probe: StepProbe
        func run(event: WorkflowEvent<NoParams>, step: WorkflowStep) async throws -> String {
            try await step.do("before") { _ in probe.record("before") }
            try await step.sleep("nap", "1 hour")
            try await step.do("after") { _ in probe.record("after") }
            return "done"
        }
    }

    @Test func pauseKeepsTheRemainingSleepAndResumeContinues() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let clock = ManualClock()
        let probe = StepProbe()
        try await withTestEngine(databasePath: dir.file("c.sqlite"), clock: clock, register: { try $0.register(Sleeper(probe: probe), as: "s") }) { engine in
            _ = try await engine.create("s", id: "p")
            try await engine.waitFor("s", id: "p") { $0.status == .waiting }
            clock.advance(by: 600)                        // 50 minutes of sleep remain
            #expect(try await engine.pause("s", id: "p") == .paused)
            clock.advance(by: 7200)                       // paused for two hours: nothing fires
            #expect(try engine.record("s", id: "p").status == .paused)
            #expect(probe.runs(of: "after") == 0)
            #expect(try await engine.resume("s", id: "p") == .queued)
            let waiting = try await engine.waitFor("s", id: "p") { $0.status == .waiting }
            #expect(waiting.wakeAt == clock.now().addingTimeInterval(3000))
            clock.advance(by: 3000)
            #expect(try await engine.waitForCompletion("s", id: "p").status == .complete)
        }
        #expect(probe.runs(of: "before") == 1)
        #expect(probe.runs(of: "after") == 1)
    }

    @Test func pauseWaitsForTheRunningStepThenStops() async throws {
        struct Gated: Workflow {
            let gate: Gate
            let probe: StepProbe
            func run(event: WorkflowEvent<NoParams>, step: WorkflowStep) async throws -> Int {
                let value = try await step.do("slow") { _ in
                    probe.record("slow")
                    await gate.wait()
                    return 41
                }
                return try await step.do("next") { _ in value + 1 }
            }
        }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let gate = Gate()
        let probe = StepProbe()
        try await withTestEngine(databasePath: dir.file("c.sqlite"), register: { try $0.register(Gated(gate: gate, probe: probe), as: "g") }) { engine in
            _ = try await engine.create("g", id: "x")
            try await probe.waitUntilRun("slow")
            #expect(try await engine.pause("g", id: "x") == .waitingForPause)
            gate.open()
            try await engine.waitFor("g", id: "x") { $0.status == .paused }
            let steps = try engine.describe("g", id: "x").steps
            #expect(steps.map(\.status) == [.succeeded])  // the in-flight result was kept
            #expect(try await engine.resume("g", id: "x") == .queued)
            let done = try await engine.waitForCompletion("g", id: "x")
            #expect(done.output == Data("42".utf8))
        }
        #expect(probe.runs(of: "slow") == 1)
    }

    @Test func terminateEndsTheInstanceAndRefusesFurtherChanges() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let clock = ManualClock()
        let probe = StepProbe()
        try await withTestEngine(databasePath: dir.file("c.sqlite"), clock: clock, register: { try $0.register(Sleeper(probe: probe), as: "s") }) { engine in
            _ = try await engine.create("s", id: "t")
            try await engine.waitFor("s", id: "t") { $0.status == .waiting }
            #expect(try await engine.terminate("s", id: "t") == .terminated)
            clock.advance(by: 7200)
            #expect(try engine.record("s", id: "t").status == .terminated)
            await #expect(throws: EngineError.self) { try await engine.terminate("s", id: "t") }
            await #expect(throws: EngineError.self) { try await engine.sendEvent("s", id: "t", type: "x") }
            #expect(try engine.store.pendingTimerCount() == 0)
        }
        #expect(probe.runs(of: "after") == 0)
    }

    @Test func restartRunsAgainFromScratchWithTheSameParams() async throws {
        struct Counter: Workflow {
            struct Params: Codable, Sendable { var base: Int }
            let probe: StepProbe
            func run(event: WorkflowEvent<Params>, step: WorkflowStep) async throws -> Int {
                try await step.do("count") { _ in
                    probe.record("count")
                    return event.payload.base + probe.runs(of: "count")
                }
            }
        }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let probe = StepProbe()
        try await withTestEngine(databasePath: dir.file("c.sqlite"), register: { try $0.register(Counter(probe: probe), as: "c") }) { engine in
            _ = try await engine.create("c", id: "r", params: Counter.Params(base: 10))
            #expect(try await engine.waitForCompletion("c", id: "r").output == Data("11".utf8))
            #expect(try await engine.restart("c", id: "r") == .queued)
            let again = try await engine.waitFor("c", id: "r") { $0.status == .complete && $0.output == Data("12".utf8) }
            #expect(again.status == .complete)
        }
        #expect(probe.runs(of: "count") == 2)
    }

    @Test func concurrentlyRunningInstancesAreBounded() async throws {
        struct Blocked: Workflow {
            let gate: Gate
            let probe: StepProbe
            func run(event: WorkflowEvent<NoParams>, step: WorkflowStep) async throws -> String {
                try await step.do("work") { _ in
                    probe.record("work")
                    await gate.wait()
                    return "ok"
                }
            }
        }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var configuration = EngineConfiguration()
        configuration.maxConcurrentInstances = 2
        let gate = Gate()
        let probe = StepProbe()
        try await withTestEngine(databasePath: dir.file("c.sqlite"), configuration: configuration, register: { try $0.register(Blocked(gate: gate, probe: probe), as: "b") }) { engine in
            for index in 0..<5 { _ = try await engine.create("b", id: "i\(index)") }
            try await probe.waitUntilRun("work", times: 2)
            #expect(await engine.liveInstanceCount() == 2)
            #expect(try engine.list("b", status: .queued).count == 3)
            #expect(probe.runs(of: "work") == 2)
            gate.open()
            for index in 0..<5 { #expect(try await engine.waitForCompletion("b", id: "i\(index)").status == .complete) }
        }
        #expect(probe.runs(of: "work") == 5)
    }

    @Test func finishedInstancesArePurgedAfterRetentionAndTheirIDsFreed() async throws {
        struct Quick: Workflow {
            func run(event: WorkflowEvent<NoParams>, step: WorkflowStep) async throws -> Int {
                try await step.do("one") { _ in 1 } + step.do("two") { _ in 1 }
            }
        }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let clock = ManualClock()
        let path = dir.file("c.sqlite")
        try await withTestEngine(databasePath: path, clock: clock, register: { try $0.register(Quick(), as: "q") }) { engine in
            _ = try await engine.create("q", id: "old")
            try await engine.waitForCompletion("q", id: "old")
            #expect(try await engine.purgeFinished() == 0)
            #expect(try ExternalSQLite.value(path, "SELECT COUNT(*) FROM steps") == "2")
            clock.advance(by: 31 * 86_400)
            #expect(try await engine.purgeFinished() == 1)
            // Steps have no foreign key to cascade by: the purge deletes them itself.
            #expect(try ExternalSQLite.value(path, "SELECT COUNT(*) FROM steps") == "0")
            #expect(throws: EngineError.self) { try engine.record("q", id: "old") }
            _ = try await engine.create("q", id: "old")
            #expect(try await engine.waitForCompletion("q", id: "old").status == .complete)
        }
    }
}
