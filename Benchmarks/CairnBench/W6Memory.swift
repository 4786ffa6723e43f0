import Cairn
import CairnEngine
import Foundation

/// W6: many instances created and left waiting for an event. Waits leave memory, so the
/// resident set should grow with the instances running at any moment, not with the total.
enum W6Memory {
    static func run(directory: String, quick: Bool, report: Report) async throws {
        let count = quick ? 10_000 : 100_000
        let harness = try EngineHarness(path: "\(directory)/w6.sqlite") { try $0.register(Waiter(resumed: Recorder()), as: "waiter") }
        let before = residentBytes()
        let start = ContinuousClock.now
        let batch = harness.engine.configuration.maxBatchSize
        // Eight batches in flight at a time: group commit shares their commits.
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            for _ in 0..<8 {
                let from = next
                next += batch
                group.addTask { try await create(harness, from: from, count: min(batch, count - from)) }
            }
            while try await group.next() != nil, next < count {
                let from = next
                next += batch
                group.addTask { try await create(harness, from: from, count: min(batch, count - from)) }
            }
            try await group.waitForAll()
        }
        let created = seconds(since: start)
        try await harness.waitUntilAllSuspended("waiter", count: count, every: .milliseconds(100))
        let settled = seconds(since: start)
        let after = residentBytes()
        let waiting = try harness.engine.instanceCounts()["waiter"]?[.waiting] ?? 0
        await harness.stop()
        report.add("W6 memory", "creation rate", Double(count) / created, "1/s")
        report.add("W6 memory", "all waiting after", settled, "s")
        report.add("W6 memory", "RSS before", Double(before) / 1_048_576, "MiB")
        report.add("W6 memory", "RSS after", Double(after) / 1_048_576, "MiB")
        report.add("W6 memory", "RSS growth", Double(after - before) / 1_048_576, "MiB", atMost: 128)
        report.check("W6 memory", "all waiting", waiting == count, "\(waiting)/\(count)")
    }

    private static func create(_ harness: EngineHarness, from: Int, count: Int) async throws {
        guard count > 0 else { return }
        let requests = (from..<(from + count)).map { CreateRequest(id: "m\($0)") }
        _ = try await harness.engine.createBatch("waiter", requests)
    }
}
