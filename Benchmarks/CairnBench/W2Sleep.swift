import Cairn
import CairnEngine
import Foundation

/// W2: instances that step, sleep 1 s, step. Lateness = when the sleep returned minus (the
/// first step's body time + 1 s); the first step ends before the sleep starts, so this can
/// only overstate the lateness.
enum W2Sleep {
    static func run(directory: String, quick: Bool, report: Report) async throws {
        let count = quick ? 50 : 200
        let lateness = Recorder()
        let harness = try EngineHarness(path: "\(directory)/w2.sqlite") { try $0.register(Sleeper(lateness: lateness), as: "sleeper") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                group.addTask { _ = try await harness.engine.create("sleeper", id: "z\(index)") }
            }
            try await group.waitForAll()
        }
        await harness.completions.waitForTotal(count)
        let complete = try harness.engine.instanceCounts()["sleeper"]?[.complete] ?? 0
        await harness.stop()
        var samples = Samples()
        for value in lateness.all.values { samples.add(value) }
        report.add("W2 sleep", "lateness p50", samples.p50, "ms")
        report.add("W2 sleep", "lateness p99", samples.p99, "ms", atMost: 5)
        report.add("W2 sleep", "lateness max", samples.max, "ms")
        report.check("W2 sleep", "all complete", complete == count && samples.count == count, "\(complete)/\(count)")
    }
}
