import Cairn
import CairnEngine
import CairnStore
import CairnTesting
import Foundation
import Testing

/// When the disk refuses writes for a while (full, failing), instances whose lifetimes had
/// to stop continue by themselves once writes succeed again, without a restart.
@Suite struct WriteFailureTests {
    struct Napper: Workflow {
        let probe: StepProbe
        func run(event: WorkflowEvent<NoParams>, step: WorkflowStep) async throws -> String {
            try await step.do("before") { _ in probe.record("before") }
            try await step.sleep("nap", "5 seconds")
            try await step.do("after") { _ in probe.record("after") }
            return "rested"
        }
    }

    @Test func instancesStalledByFailedWritesResumeOnceTheDiskRecovers() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let clock = ManualClock()
        let probe = StepProbe()
        let store = FaultyStore(try SQLiteStore(path: dir.file("c.sqlite")))
        var configuration = inMemoryWaits()
        configuration.sweepInterval = .seconds(3600)
        try await withTestEngine(store: store, clock: clock, configuration: configuration,
                                 register: { try $0.register(Napper(probe: probe), as: "n") }) { engine in
            for index in 0..<5 { _ = try await engine.create("n", id: "i\(index)") }
            for index in 0..<5 { try await engine.waitFor("n", id: "i\(index)") { $0.status == .waiting } }

            store.failWrites()                       // the disk fills up while they sleep
            clock.advance(by: 6)
            try await Poll.until("every lifetime stopped on the failed write") { await engine.liveInstanceCount() == 0 }
            #expect(store.refusedWrites >= 5)
            for index in 0..<5 { #expect(try engine.record("n", id: "i\(index)").status == .waiting) }

            _ = try await clock.waitForSleeper(secondsFromNow: 1)
            clock.advance(by: 1)                     // still full: the retry fails and backs off
            try await Poll.until("the first retry failed") { store.refusedWrites >= 10 }
            try await Poll.until("lifetimes stopped again") { await engine.liveInstanceCount() == 0 }

            store.heal()                             // space is freed
            // Move time on in small steps until the back-off's next sweep has run them all.
            try await Poll.until("all five complete after the disk recovered") {
                clock.advance(by: 1)
                for index in 0..<5 where try engine.record("n", id: "i\(index)").status != .complete { return false }
                return true
            }
        }
        #expect(probe.runs(of: "before") == 5)
        #expect(probe.runs(of: "after") == 5)
    }
}
