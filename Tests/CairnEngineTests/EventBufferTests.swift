import Cairn
import CairnEngine
import CairnStore
import CairnTesting
import Foundation
import Testing

/// Events sent to an instance that does not wait for them are buffered up to a limit.
@Suite struct EventBufferTests {
    struct NeverWaits: Workflow {
        func run(event: WorkflowEvent<NoParams>, step: WorkflowStep) async throws -> String {
            try await step.sleep("long", "1 day")
            return "done"
        }
    }

    @Test func eventsBeyondTheBufferLimitAreRefusedWithAClearError() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var configuration = EngineConfiguration()
        configuration.maxBufferedEvents = 3
        try await withTestEngine(databasePath: dir.file("c.sqlite"), configuration: configuration,
                                 register: { try $0.register(NeverWaits(), as: "w") }) { engine in
            _ = try await engine.create("w", id: "a")
            for index in 0..<3 {
                try await engine.sendEvent("w", id: "a", type: "ping", payload: Data("\(index)".utf8))
            }
            do {
                try await engine.sendEvent("w", id: "a", type: "ping", payload: Data("4".utf8))
                Issue.record("the fourth event was accepted")
            } catch let error as EngineError {
                #expect(error.code == .tooManyEvents)
                #expect(error.message.contains("max_buffered_events"))
            }
            // Another instance has its own buffer.
            _ = try await engine.create("w", id: "b")
            try await engine.sendEvent("w", id: "b", type: "ping")
        }
    }
}
