import Cairn
import CairnEngine
import CairnStore
import CairnTesting
import Foundation
import Testing

/// Graceful shutdown at the engine level: `drain()` lets running bodies finish, commits their
/// results, starts nothing new, and ends `run()`.
@Suite struct DrainTests {
    struct Held: Workflow {
        let probe: StepProbe
        let gate: Gate
        func run(event: WorkflowEvent<NoParams>, step: WorkflowStep) async throws -> String {
            try await step.do("slow") { _ in
                probe.record("slow")
                await gate.wait()
                return "slow result"
            }
            try await step.do("next") { _ in probe.record("next") }
            return "done"
        }
    }

    @Test func drainWaitsForTheRunningStepAndKeepsItsResult() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let probe = StepProbe()
        let gate = Gate()
        let store = try SQLiteStore(path: dir.file("d.sqlite"))
        let engine = try Engine(store: store, configuration: inMemoryWaits(), clock: ManualClock())
        try engine.register(Held(probe: probe, gate: gate), as: "held")
        let running = Task { try await engine.run() }
        _ = try await engine.create("held", id: "d1")
        try await probe.waitUntilRun("slow")
        #expect(engine.isRunning)

        let drained = Task { await engine.drain() }
        while engine.isRunning { await Task.yield() }
        // Created while draining: stored, but not started until the next run.
        let queued = try await engine.create("held", id: "d2")
        #expect(queued.status == .queued)
        gate.open()
        await drained.value
        try await running.value
        store.close()

        #expect(probe.runs(of: "slow") == 1)
        #expect(probe.runs(of: "next") == 0)
        let reopened = try SQLiteStore(path: dir.file("d.sqlite"))
        defer { reopened.close() }
        let stored = try reopened.instance(workflow: "held", id: "d1")
        let row = try #require(stored).rowID
        let state = try reopened.replayState(rowID: row)
        let (instance, steps) = try #require(state)
        #expect(instance.status == .running)
        #expect(steps.map(\.key.name) == ["slow"])
        #expect(steps.first?.status == .succeeded)
        #expect(try reopened.instance(workflow: "held", id: "d2")?.status == .queued)
    }

    @Test func aDrainedInstanceFinishesAfterRestartWithoutRerunningFinishedSteps() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let probe = StepProbe()
        let gate = Gate()
        let path = dir.file("d.sqlite")
        do {
            let store = try SQLiteStore(path: path)
            let engine = try Engine(store: store, configuration: inMemoryWaits(), clock: ManualClock())
            try engine.register(Held(probe: probe, gate: gate), as: "held")
            let running = Task { try await engine.run() }
            _ = try await engine.create("held", id: "r1")
            try await probe.waitUntilRun("slow")
            let drained = Task { await engine.drain() }
            gate.open()
            await drained.value
            try await running.value
            store.close()
        }
        try await withTestEngine(databasePath: path, configuration: inMemoryWaits(), register: { try $0.register(Held(probe: probe, gate: gate), as: "held") }) { engine in
            let done = try await engine.waitForCompletion("held", id: "r1")
            #expect(done.status == .complete)
        }
        #expect(probe.runs(of: "slow") == 1)
        #expect(probe.runs(of: "next") == 1)
    }
}
