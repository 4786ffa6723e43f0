import Cairn
import CairnEngine
import CairnTesting
import Foundation
import Testing

/// The engine's public read API: its own views, with params and outputs as JSON values.
@Suite struct ViewTests {
    struct Doubler: Workflow {
        func run(event: WorkflowEvent<JSONValue>, step: WorkflowStep) async throws -> JSONValue {
            let value = event.payload["n"]?.intValue ?? 0
            let doubled = try await step.do("double") { _ in value * 2 }
            try await step.sleep("nap", "1 second")
            return ["doubled": .int(doubled)]
        }
    }

    @Test func detailShowsParamsOutputAndStepsWithAttempts() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let clock = ManualClock()
        try await withTestEngine(databasePath: dir.file("v.sqlite"), clock: clock, configuration: inMemoryWaits(), register: {
            try $0.register(AnyWorkflow(Doubler()), as: "doubler")
        }) { engine in
            let created = try await engine.createInstance("doubler", id: "d1", params: ["n": 21] as JSONValue)
            #expect(created.id == "d1")
            #expect(created.params == ["n": 21])
            _ = try await engine.waitFor("doubler", id: "d1") { $0.status == .waiting }
            clock.advance(by: 1)
            let done = try await engine.waitUntilFinished("doubler", id: "d1")
            #expect(done.status == .complete)
            #expect(done.output == ["doubled": 42])
            let detail = try engine.detail("doubler", id: "latest")
            #expect(detail.instance.id == "d1")
            #expect(detail.steps.map(\.key.displayName) == ["double-1", "nap-1"])
            #expect(detail.steps.map(\.status) == [.succeeded, .slept])
            #expect(detail.steps.first?.output == 42)
            #expect(detail.steps.first?.attempts.map(\.success) == [true])
            #expect(detail.steps.last?.attempts.isEmpty == true)
        }
    }

    @Test func listingPagesWithTheLastItemsCursor() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try await withTestEngine(databasePath: dir.file("v.sqlite"), configuration: inMemoryWaits(), register: {
            try $0.register(Doubler(), as: "doubler")
        }) { engine in
            let created = try await engine.createInstances("doubler", (1...5).map { CreateRequest(id: "i\($0)", params: Data("{}".utf8)) })
            #expect(created.count == 5)
            let first = try engine.instances("doubler", limit: 3)
            let second = try engine.instances("doubler", limit: 3, after: first.last?.cursor)
            #expect(first.count == 3)
            #expect(second.count == 2)
            #expect(Set(first.map(\.id) + second.map(\.id)) == Set((1...5).map { "i\($0)" }))
            #expect(try engine.instance("doubler", id: "i3").id == "i3")
            #expect(throws: EngineError.self) { try engine.instance("doubler", id: "nope") }
        }
    }
}
