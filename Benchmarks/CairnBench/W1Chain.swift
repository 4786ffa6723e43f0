import Cairn
import CairnEngine
import Foundation

/// W1: instances of ten sequential steps, one after another and 16 at a time.
enum W1Chain {
    /// Returns steps/s one after another and 16 at a time (the caller relates them to W0).
    static func run(directory: String, quick: Bool, report: Report) async throws -> (serial: Double, concurrent: Double) {
        let count = quick ? 200 : 1_000
        var rates: [Double] = []
        for concurrency in [1, 16] {
            let harness = try EngineHarness(path: "\(directory)/w1-\(concurrency)-\(UUID().uuidString.prefix(6)).sqlite") { try $0.register(Chain(), as: "chain") }
            let label = concurrency == 1 ? "serial" : "16 at a time"
            var latencies = Samples()
            let start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Samples.self) { group in
                for worker in 0..<concurrency {
                    group.addTask {
                        var samples = Samples()
                        for index in stride(from: worker, to: count, by: concurrency) {
                            let began = ContinuousClock.now
                            let id = "c\(index)"
                            _ = try await harness.engine.create("chain", id: id)
                            let ended = await harness.completions.wait(id)
                            let elapsed = ended - began
                            samples.add(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
                        }
                        return samples
                    }
                }
                for try await samples in group { latencies.add(contentsOf: samples) }
            }
            let elapsed = seconds(since: start)
            let complete = try harness.engine.instanceCounts()["chain"]?[.complete] ?? 0
            await harness.stop()
            let stepsPerSecond = Double(count * 10) / elapsed
            report.add("W1 \(label)", "instances/s", Double(count) / elapsed, "1/s")
            report.add("W1 \(label)", "steps/s", stepsPerSecond, "1/s")
            report.add("W1 \(label)", "instance p50", latencies.p50, "ms")
            report.add("W1 \(label)", "instance p99", latencies.p99, "ms")
            report.check("W1 \(label)", "all complete", complete == count, "\(complete)/\(count)")
            rates.append(stepsPerSecond)
        }
        return (rates[0], rates[1])
    }
}
