import Cairn
import CairnEngine
import Foundation

/// W3: instances waiting in `waitForEvent` (suspended out of memory, as any wait longer than
/// 10 s is); the benchmark sends each its event, one at a time, and measures from the send
/// call to the moment the workflow's code continues after the wait.
enum W3Event {
    static func run(directory: String, quick: Bool, report: Report) async throws {
        let count = quick ? 50 : 200
        let resumed = Recorder()
        let harness = try EngineHarness(path: "\(directory)/w3.sqlite") { try $0.register(Waiter(resumed: resumed), as: "waiter") }
        let ids = (0..<count).map { "e\($0)" }
        for id in ids { _ = try await harness.engine.create("waiter", id: id) }
        // Wait until every instance has suspended in its wait (status waiting, out of memory).
        try await harness.waitUntilAllSuspended("waiter", count: count, every: .milliseconds(20))
        var samples = Samples()
        for id in ids {
            let sent = Date().timeIntervalSince1970
            try await harness.engine.sendEvent("waiter", id: id, type: "go", payload: Data("1".utf8))
            _ = await harness.completions.wait(id)
            if let at = resumed.value(id) { samples.add(at - sent) }
        }
        let complete = try harness.engine.instanceCounts()["waiter"]?[.complete] ?? 0
        await harness.stop()
        report.add("W3 event", "send-to-resume p50", samples.p50, "ms")
        report.add("W3 event", "send-to-resume p99", samples.p99, "ms", atMost: 5)
        report.check("W3 event", "all complete", complete == count && samples.count == count, "\(complete)/\(count)")
    }
}
