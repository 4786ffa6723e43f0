import Cairn
import CairnEngine
import CairnStore
import CairnTesting
import Foundation
import Testing

@Suite struct CrashTests {
    struct TwoSteps: Workflow {
        let probe: StepProbe
        let gate: Gate
        func run(event: WorkflowEvent<NoParams>, step: WorkflowStep) async throws -> String {
            let first = try await step.do("first") { _ in
                probe.record("first")
                return "a"
            }
            let second = try await step.do("second", config: StepConfig(retries: RetryPolicy(limit: 2, delay: "1 second"))) { context in
                probe.record("second")
                if context.attempt == 1 { await gate.wait() }  // the first attempt hangs until the crash
                return "b\(context.attempt)"
            }
            return first + second
        }
    }

    @Test func completedStepsDoNotRunAgainAfterACrash() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("c.sqlite")
        let probe = StepProbe()
        let clock = ManualClock()
        try await withTestEngine(databasePath: path, clock: clock, register: { try $0.register(TwoSteps(probe: probe, gate: Gate()), as: "two") }) { engine in
            _ = try await engine.create("two", id: "i1")
            try await probe.waitUntilRun("second")   // crash while step 2 runs
        }
        try await withTestEngine(databasePath: path, clock: clock, register: { try $0.register(TwoSteps(probe: probe, gate: Gate()), as: "two") }) { engine in
            // The interrupted attempt counts as failed; the retry starts at once (a crash is not the step's fault).
            let done = try await engine.waitForCompletion("two", id: "i1")
            #expect(done.output == Data(#""ab2""#.utf8))
            let attempts = try engine.describe("two", id: "i1").attempts.filter { $0.name == "second" }
            #expect(attempts.map(\.attempt) == [1, 2])
            #expect(attempts.first?.error?.name == "WorkflowInternalError")
        }
        #expect(probe.runs(of: "first") == 1)
        #expect(probe.runs(of: "second") == 2)
    }

    @Test func aSleepThatFellDueWhileStoppedFiresAfterRestart() async throws {
        struct Nap: Workflow {
            func run(event: WorkflowEvent<NoParams>, step: WorkflowStep) async throws -> String {
                try await step.sleep("nap", "2 days")
                return "rested"
            }
        }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("c.sqlite")
        let clock = ManualClock()
        try await withTestEngine(databasePath: path, clock: clock, register: { try $0.register(Nap(), as: "nap") }) { engine in
            _ = try await engine.create("nap", id: "n")
            try await engine.waitFor("nap", id: "n") { $0.status == .waiting }
            #expect(try engine.store.pendingTimerCount() == 1)
        }
        clock.advance(by: 3 * 86_400)
        try await withTestEngine(databasePath: path, clock: clock, register: { try $0.register(Nap(), as: "nap") }) { engine in
            let done = try await engine.waitForCompletion("nap", id: "n")
            #expect(done.output == Data(#""rested""#.utf8))
        }
    }

    @Test func anInstanceWhoseEventArrivedResumesAtOnceAfterACrashNotAtItsTimeout() async throws {
        struct Approval: Workflow {
            func run(event: WorkflowEvent<NoParams>, step: WorkflowStep) async throws -> String {
                let approval = try await step.waitForEvent("approval", type: "approved", timeout: .hours(24), as: String.self)
                return approval.payload
            }
        }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("c.sqlite")
        let clock = ManualClock()
        try await withTestEngine(databasePath: path, clock: clock, register: { try $0.register(Approval(), as: "a") }) { engine in
            _ = try await engine.create("a", id: "e")
            try await engine.waitFor("a", id: "e") { $0.status == .waiting && $0.waitingFor == .event }
            #expect(try engine.store.pendingTimerCount() == 1)
        }
        // The event commits and the process dies before the instance wakes: no engine runs.
        let store = try SQLiteStore(path: path)
        _ = try await store.perform(.sendEvent(EventDelivery(workflow: "a", instanceID: "e", type: "approved", payload: Data(#""yes""#.utf8), at: clock.now())))
        #expect(try store.pendingTimerCount() == 0)
        store.close()
        // The clock does not move: the 24-hour timeout must not be what resumes it.
        try await withTestEngine(databasePath: path, clock: clock, register: { try $0.register(Approval(), as: "a") }) { engine in
            let done = try await engine.waitForCompletion("a", id: "e")
            #expect(done.output == Data(#""yes""#.utf8))
        }
    }

    // MARK: A real process, killed with SIGKILL

    @Test func aKilledProcessResumesAndRunsEachFinishedStepOnce() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let database = dir.file("crash.sqlite")
        let log = dir.file("steps.log")

        // 1. Kill in the middle of step "two".
        let first = try launchHelper(database: database, log: log, slow: true)
        try await waitForLine(in: log) { $0.hasPrefix("two-start") }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()

        // 2. Restart; kill during the 8-second sleep that follows step "two".
        let second = try launchHelper(database: database, log: log, slow: false)
        try await waitForLine(in: log) { $0 == "two-end" }
        // The helper holds the database's lock, so look through sqlite3 rather than a second store.
        try await Poll.until(timeout: .seconds(20)) {
            try waitingFor(in: database, id: "victim") == "sleep"
        }
        kill(second.processIdentifier, SIGKILL)
        second.waitUntilExit()
        let afterSecondKill = try lines(log)
        #expect(afterSecondKill.contains("instance-complete") == false)

        // 3. Restart; it completes.
        let third = try launchHelper(database: database, log: log, slow: false)
        third.waitUntilExit()
        #expect(third.terminationStatus == 0)

        let entries = try lines(log)
        #expect(entries.filter { $0 == "one-start" }.count == 1)
        #expect(entries.filter { $0.hasPrefix("two-start") } == ["two-start attempt=1", "two-start attempt=2"])
        #expect(entries.filter { $0 == "two-end" }.count == 1)
        #expect(entries.filter { $0 == "three-start" }.count == 1)
        #expect(entries.last == "instance-complete")

        let store = try SQLiteStore(path: database)
        defer { store.close() }
        let history = try #require(try store.history(workflow: "crashy", id: "victim"))
        #expect(history.instance.status == .complete)
        #expect(history.instance.output == Data(#""123""#.utf8))
        #expect(history.steps.map(\.key.displayName) == ["one-1", "two-1", "nap-1", "three-1"])
        #expect(history.steps.map(\.status) == [.succeeded, .succeeded, .slept, .succeeded])
        let twoAttempts = history.attempts.filter { $0.name == "two" }
        #expect(twoAttempts.map(\.success) == [false, true])
        #expect(twoAttempts.first?.error?.name == "WorkflowInternalError")
        // Two SIGKILLs left the references whole: timers and events by their foreign keys,
        // steps (which carry none since schema v5) because the engine writes them only for
        // instances it holds.
        #expect(try ExternalSQLite.value(database, "SELECT COUNT(*) FROM pragma_foreign_key_check") == "0")
        #expect(try ExternalSQLite.value(database, "SELECT COUNT(*) FROM steps WHERE instance NOT IN (SELECT rowid FROM instances)") == "0")
        #expect(try ExternalSQLite.value(database, "SELECT COUNT(*) FROM steps") == "4")
    }

    /// Reads an instance's `waiting_for` with Python's sqlite3 (a reader, not a store).
    private func waitingFor(in database: String, id: String) throws -> String {
        try ExternalSQLite.value(database, "SELECT waiting_for FROM instances WHERE id = ?", [id])
    }

    private func launchHelper(database: String, log: String, slow: Bool) throws -> Process {
        let process = Process()
        process.executableURL = try helperURL()
        process.arguments = [database, log, "victim"] + (slow ? ["slow"] : [])
        try process.run()
        return process
    }

    private func helperURL() throws -> URL {
        try Executable.url(named: "CairnCrashHelper")
    }

    private func lines(_ path: String) throws -> [String] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    private func waitForLine(in path: String, timeout: Duration = .seconds(30), _ matches: @escaping (String) -> Bool) async throws {
        try await Poll.until(timeout: timeout) { try lines(path).contains(where: matches) }
    }
}
