import Cairn
import Foundation
import Synchronization

/// W1's shape: ten sequential `step.do` calls, each returning a small JSON object.
struct Chain: Workflow {
    struct Small: Codable, Sendable {
        var index: Int
        var ok: Bool
    }

    func run(event: WorkflowEvent<NoParams>, step: WorkflowStep) async throws -> Int {
        var total = 0
        for index in 0..<10 {
            total += try await step.do("s\(index)") { _ in Small(index: index, ok: true) }.index
        }
        return total
    }
}

/// W2's shape: step, sleep 1 s, step. Records how late the sleep returned (in memory, not durable:
/// it is instrumentation, and the first pass after the sleep is the one that counts).
struct Sleeper: Workflow {
    let lateness: Recorder

    func run(event: WorkflowEvent<NoParams>, step: WorkflowStep) async throws -> Bool {
        let before = try await step.do("before") { _ in Date().timeIntervalSince1970 }
        try await step.sleep("nap", "1 second")
        lateness.record(event.instanceId, Date().timeIntervalSince1970 - before - 1)
        return try await step.do("after") { _ in true }
    }
}

/// W3 and W6's shape: wait for an event, then a step. Records when the wait returned.
struct Waiter: Workflow {
    let resumed: Recorder

    func run(event: WorkflowEvent<NoParams>, step: WorkflowStep) async throws -> Bool {
        _ = try await step.waitForEvent("go", type: "go", timeout: "1 day", as: Int.self)
        resumed.record(event.instanceId, Date().timeIntervalSince1970)
        return try await step.do("after") { _ in true }
    }
}

/// Thread-safe first-write-wins map of instance ID → value.
final class Recorder: Sendable {
    private let values = Mutex<[String: Double]>([:])
    func record(_ id: String, _ value: Double) {
        values.withLock { if $0[id] == nil { $0[id] = value } }
    }
    func value(_ id: String) -> Double? { values.withLock { $0[id] } }
    var all: [String: Double] { values.withLock { $0 } }
}
