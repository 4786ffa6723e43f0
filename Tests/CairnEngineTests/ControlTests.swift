import Cairn
import CairnEngine
import CairnStore
import CairnTesting
import Foundation
import Synchronization
import Testing

/// Status changes on live instances answer promptly, one at a time per instance, and never
/// hang, whatever state the instance is in and however many arrive at once.
@Suite struct ControlTests {
    struct Napper: Workflow {
        let probe: StepProbe
        func run(event: WorkflowEvent<NoParams>, step: WorkflowStep) async throws -> String {
            try await step.do("before") { _ in probe.record("before") }
            try await step.sleep("nap", "1 hour")
            return "rested"
        }
    }

    /// Runs `body` with an engine (manual clock, waits in memory) on which instance `id` of
    /// ``Napper`` is sleeping its hour.
    private func withSleepingInstance(
        _ id: String, _ body: @Sendable (Engine, ManualClock) async throws -> Void
    ) async throws -> StepProbe {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let clock = ManualClock()
        let probe = StepProbe()
        try await withTestEngine(databasePath: dir.file("c.sqlite"), clock: clock, configuration: inMemoryWaits(),
                                 register: { try $0.register(Napper(probe: probe), as: "n") }) { engine in
            _ = try await engine.create("n", id: id)
            try await engine.waitFor("n", id: id) { $0.status == .waiting }
            try await body(engine, clock)
        }
        return probe
    }

    @Test func resumeOnAnInstanceThatIsNotPausedAnswersAtOnceWithItsStatus() async throws {
        _ = try await withSleepingInstance("r") { engine, clock in
            let status = try await within(.seconds(5), "resume of a sleeping instance") { try await engine.resume("n", id: "r") }
            #expect(status == .waiting)
            #expect(try engine.record("n", id: "r").status == .waiting)
            #expect(await engine.liveInstanceCount() == 1)     // still sleeping in memory, untouched
            clock.advance(by: 3600)
            #expect(try await engine.waitForCompletion("n", id: "r").status == .complete)
        }
    }

    @Test func resumeOnAFinishedInstanceChangesNothingWhilePauseAndTerminateAreRefused() async throws {
        _ = try await withSleepingInstance("f") { engine, clock in
            clock.advance(by: 3600)
            try await engine.waitForCompletion("n", id: "f")
            #expect(try await engine.resume("n", id: "f") == .complete)
            await #expect(throws: EngineError.self) { try await engine.pause("n", id: "f") }
            await #expect(throws: EngineError.self) { try await engine.terminate("n", id: "f") }
            #expect(try engine.record("n", id: "f").status == .complete)
        }
    }

    @Test func failEndsAnUnfinishedInstanceAsErroredAndObserversHearOfItAndOfATerminate() async throws {
        _ = try await withSleepingInstance("x") { engine, clock in
            let heard = Mutex<[String]>([])
            engine.onFinish { finished in heard.withLock { $0.append("\(finished.id):\(finished.status.rawValue)") } }
            let status = try await engine.fail("n", id: "x", error: ErrorInfo(name: "FileVanished", message: "The file is gone."))
            #expect(status == .errored)
            let view = try engine.instance("n", id: "x")
            #expect(view.status == .errored && view.error == ErrorInfo(name: "FileVanished", message: "The file is gone."))
            clock.advance(by: 3600)      // its timer is gone: nothing runs on
            #expect(try engine.record("n", id: "x").status == .errored)
            await #expect(throws: EngineError.self) { try await engine.fail("n", id: "x", error: ErrorInfo(name: "E", message: "again")) }
            _ = try await engine.create("n", id: "y")
            try await engine.waitFor("n", id: "y") { $0.status == .waiting }
            try await engine.terminate("n", id: "y")
            #expect(heard.withLock { $0 } == ["x:errored", "y:terminated"])
        }
    }

    @Test func manyConcurrentControlsOnOneInstanceAllAnswerAndLeaveItConsistent() async throws {
        _ = try await withSleepingInstance("c") { engine, clock in
            let answers = try await within(.seconds(15), "2 resumes and 10 restarts at once") {
                try await withThrowingTaskGroup(of: (action: String, status: InstanceStatus).self) { group in
                    for _ in 0..<2 { group.addTask { ("resume", try await engine.resume("n", id: "c")) } }
                    for _ in 0..<10 { group.addTask { ("restart", try await engine.restart("n", id: "c")) } }
                    var answers: [(action: String, status: InstanceStatus)] = []
                    for try await answer in group { answers.append(answer) }
                    return answers
                }
            }
            #expect(answers.count == 12)
            #expect(answers.filter { $0.action == "restart" }.allSatisfy { $0.status == .queued })   // every restart took effect
            // A resume changes nothing here; it reports whatever status it found.
            #expect(answers.filter { $0.action == "resume" }.allSatisfy { [.waiting, .queued, .running].contains($0.status) })
            // After the last restart exactly one lifetime runs the instance again.
            try await engine.waitFor("n", id: "c") { $0.status == .waiting }
            #expect(await engine.liveInstanceCount() == 1)
            clock.advance(by: 3600)
            #expect(try await engine.waitForCompletion("n", id: "c").status == .complete)
            let steps = try engine.describe("n", id: "c").steps
            #expect(steps.map(\.key.displayName) == ["before-1", "nap-1"])
        }
    }

    @Test func interleavedPausesAndResumesLeaveAWorkingInstance() async throws {
        let probe = try await withSleepingInstance("p") { engine, clock in
            try await within(.seconds(15), "interleaved pauses and resumes") {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<20 {
                        group.addTask {
                            if index.isMultiple(of: 2) { try await engine.pause("n", id: "p") } else { try await engine.resume("n", id: "p") }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            // Whatever the interleaving, one more pause then resume leaves a working instance.
            #expect([.paused, .waitingForPause].contains(try await engine.pause("n", id: "p")))
            try await engine.waitFor("n", id: "p") { $0.status == .paused }
            #expect(try await engine.resume("n", id: "p") == .queued)
            try await engine.waitFor("n", id: "p") { $0.status == .waiting }
            clock.advance(by: 3600)
            #expect(try await engine.waitForCompletion("n", id: "p").status == .complete)
        }
        #expect(probe.runs(of: "before") == 1)
    }
}
