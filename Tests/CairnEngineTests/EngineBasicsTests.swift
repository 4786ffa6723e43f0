import Cairn
import CairnEngine
import CairnExamples
import CairnStore
import CairnTesting
import Foundation
import Testing

@Suite struct EngineBasicsTests {
    @Test func seedExampleFetchesSleepsAndProcesses() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let body = try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../etc/sample-ips.json").standardized)
        let server = try LoopbackHTTPServer(body: body)
        defer { server.stop() }
        let clock = ManualClock()
        try await withTestEngine(databasePath: dir.file("c.sqlite"), clock: clock, register: {
            try $0.register(MyWorkflow(source: server.url), as: "my-workflow")
        }) { engine in
            let created = try await engine.create("my-workflow", id: "seed", params: MyWorkflow.Params(name: "cairn"))
            #expect(created.status == .running)
            let waiting = try await engine.waitFor("my-workflow", id: "seed") { $0.status == .waiting }
            #expect(waiting.waitingFor == .sleep)
            #expect(waiting.wakeAt == clock.now().addingTimeInterval(20))
            #expect(await engine.liveInstanceCount() == 0)  // a 20 s sleep leaves memory
            clock.advance(by: 20)
            let done = try await engine.waitForCompletion("my-workflow", id: "seed")
            #expect(done.status == .complete)
            let outputData = try #require(done.output)
            #expect(String(decoding: outputData, as: UTF8.self) == #"{"ipCount":15,"name":"cairn"}"#)
            let steps = try engine.describe("my-workflow", id: "seed").steps
            #expect(steps.map(\.key.displayName) == ["fetch data-1", "pause-1", "process data-1"])
            #expect(steps.map(\.status) == [.succeeded, .slept, .succeeded])
            #expect(server.requests == 1)
        }
    }

    @Test func anUncaughtErrorEndsTheInstanceWithItsNameAndMessage() async throws {
        struct Fails: Workflow {
            func run(event: WorkflowEvent<NoParams>, step: WorkflowStep) async throws -> Int {
                try await step.do("ok") { _ in 1 }
                throw NonRetryableError("inventory is empty", name: "OutOfStock")
            }
        }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try await withTestEngine(databasePath: dir.file("c.sqlite"), register: { try $0.register(Fails(), as: "fails") }) { engine in
            _ = try await engine.create("fails", id: "x")
            let done = try await engine.waitForCompletion("fails", id: "x")
            #expect(done.status == .errored)
            #expect(done.error == ErrorInfo(name: "OutOfStock", message: "inventory is empty"))
        }
    }

    @Test func stepsWithTheSameNameInALoopGetTheirOwnResults() async throws {
        struct Loop: Workflow {
            let probe: StepProbe
            func run(event: WorkflowEvent<NoParams>, step: WorkflowStep) async throws -> [String] {
                var results: [String] = []
                for item in ["a", "b", "c"] {
                    results.append(try await step.do("item") { context in
                        probe.record("item")
                        return "\(item)\(context.count)"
                    })
                }
                return results
            }
        }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let probe = StepProbe()
        try await withTestEngine(databasePath: dir.file("c.sqlite"), register: { try $0.register(Loop(probe: probe), as: "loop") }) { engine in
            _ = try await engine.create("loop", id: "l")
            let done = try await engine.waitForCompletion("loop", id: "l")
            let outputData = try #require(done.output)
            #expect(String(decoding: outputData, as: UTF8.self) == #"["a1","b2","c3"]"#)
            #expect(try engine.describe("loop", id: "l").steps.map(\.key.displayName) == ["item-1", "item-2", "item-3"])
        }
        #expect(probe.runs(of: "item") == 3)
    }

    @Test func createValidatesIDsParamsAndWorkflowNames() async throws {
        struct Typed: Workflow {
            struct Params: Codable, Sendable { var count: Int }
            func run(event: WorkflowEvent<Params>, step: WorkflowStep) async throws -> Int { event.payload.count }
        }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try await withTestEngine(databasePath: dir.file("c.sqlite"), register: { try $0.register(Typed(), as: "typed") }) { engine in
            await #expect(throws: EngineError.self) { _ = try await engine.create("typed", id: "bad id!", paramsJSON: Data(#"{"count":1}"#.utf8)) }
            do {
                _ = try await engine.create("typed", id: "p", paramsJSON: Data(#"{"count":"many"}"#.utf8))
                Issue.record("expected an error")
            } catch let error as EngineError {
                #expect(error.code == .invalidInput)
                #expect(error.message.contains("'count' should be Int"))
            }
            do {
                _ = try await engine.create("nope")
                Issue.record("expected an error")
            } catch let error as EngineError {
                #expect(error.code == .workflowNotFound)
                #expect(error.message.contains("typed"))
            }
            _ = try await engine.create("typed", id: "once", paramsJSON: Data(#"{"count":1}"#.utf8))
            do {
                _ = try await engine.create("typed", id: "once", paramsJSON: Data(#"{"count":2}"#.utf8))
                Issue.record("expected an error")
            } catch let error as EngineError {
                #expect(error.code == .duplicateInstanceID)
            }
            let done = try await engine.waitForCompletion("typed", id: "once")
            #expect(done.output == Data("1".utf8))  // the duplicate changed nothing
            #expect(try engine.list("typed").map(\.id) == ["once"])
        }
    }

    @Test func latestIsReservedBecauseItAddressesTheNewestInstance() async throws {
        struct Echo: Workflow {
            func run(event: WorkflowEvent<NoParams>, step: WorkflowStep) async throws -> String { event.instanceId }
        }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try await withTestEngine(databasePath: dir.file("c.sqlite"), register: { try $0.register(Echo(), as: "echo") }) { engine in
            do {
                _ = try await engine.create("echo", id: "latest")
                Issue.record("expected 'latest' to be refused")
            } catch let error as EngineError {
                #expect(error.code == .invalidInput)
                #expect(error.message.contains("'latest' is reserved"), "\(error.message)")
            }
            await #expect(throws: EngineError.self) { _ = try await engine.createBatch("echo", [CreateRequest(id: "a"), CreateRequest(id: "latest")]) }
            #expect(try engine.list("echo").isEmpty, "a batch with a refused ID creates nothing")
            _ = try await engine.create("echo", id: "latest-report")     // only the exact word is reserved
            #expect(try engine.record("echo", id: "latest").id == "latest-report")
        }
    }

    @Test func createBatchSkipsExistingIDs() async throws {
        struct Echo: Workflow {
            func run(event: WorkflowEvent<NoParams>, step: WorkflowStep) async throws -> String { event.instanceId }
        }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try await withTestEngine(databasePath: dir.file("c.sqlite"), register: { try $0.register(Echo(), as: "echo") }) { engine in
            _ = try await engine.create("echo", id: "b")
            let created = try await engine.createBatch("echo", [CreateRequest(id: "a"), CreateRequest(id: "b"), CreateRequest(id: "c")])
            #expect(created.map(\.id) == ["a", "c"])
            for id in ["a", "b", "c"] {
                #expect(try await engine.waitForCompletion("echo", id: id).status == .complete)
            }
            await #expect(throws: EngineError.self) { _ = try await engine.createBatch("echo", [CreateRequest(id: "d"), CreateRequest(id: "d")]) }
            #expect(try engine.list("echo").count == 3)
        }
    }

    @Test func badStepUsageErrorsTheInstanceWithAClearMessage() async throws {
        struct Misuse: Workflow {
            let mode: String
            func run(event: WorkflowEvent<NoParams>, step: WorkflowStep) async throws -> String {
                switch mode {
                case "long-name": try await step.do(String(repeating: "x", count: 300)) { _ in 1 }
                case "unit": try await step.sleep("nap", "5 fortnights")
                // An oversized result fails the attempt and is retried (issue 8.11); with no
                // retries left the step fails and, uncaught, errors the instance.
                case "big": try await step.do("huge", config: StepConfig(retries: RetryPolicy(limit: 0))) { _ in String(repeating: "z", count: 5000) }
                default: try await step.do("control\u{7}") { _ in 1 }
                }
                return "done"
            }
        }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var configuration = EngineConfiguration()
        configuration.maxOutputBytes = 1000
        try await withTestEngine(databasePath: dir.file("c.sqlite"), configuration: configuration, register: { engine in
            for mode in ["long-name", "unit", "big", "control"] { try engine.register(Misuse(mode: mode), as: mode) }
        }) { engine in
            let expectations = ["long-name": "300 characters long", "unit": "'fortnight' is not a unit", "big": "Step 'huge-1' returned 5002 bytes; the limit is 1000", "control": "control character"]
            for (mode, fragment) in expectations {
                _ = try await engine.create(mode, id: "m")
                let done = try await engine.waitForCompletion(mode, id: "m")
                #expect(done.status == .errored, "\(mode)")
                #expect(done.error?.message.contains(fragment) == true, "\(mode): \(String(describing: done.error))")
            }
        }
    }
}
