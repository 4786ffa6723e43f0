import Cairn
import CairnEngine
import Foundation

/// W4: a child process runs W1 instances and is killed with SIGKILL half-way; a fresh engine
/// recovers. Reports the time from opening the database to all instances complete, and
/// checks every instance completed once with every step result recorded exactly once.
enum W4Recovery {
    static func run(directory: String, quick: Bool, report: Report) async throws {
        let count = quick ? 100 : 500
        let path = "\(directory)/w4.sqlite"
        let child = try ChildProcess(arguments: ["recovery-child", "--database", path, "--count", "\(count)"])
        _ = try await child.waitForLine { line in
            line.hasPrefix("done ") && (Int(line.dropFirst(5)) ?? 0) >= count / 2
        }
        child.kill(SIGKILL)
        await child.waitForExit()
        let finishedBeforeKill = child.output.filter { $0.hasPrefix("done ") }.count

        let start = ContinuousClock.now
        let harness = try EngineHarness(path: path) { try $0.register(Chain(), as: "chain") }
        let completeAtStart = try harness.engine.instanceCounts()["chain"]?[.complete] ?? 0
        await harness.completions.waitForTotal(count - completeAtStart)
        let elapsed = seconds(since: start)
        let finishedAfter = harness.completions.total

        var problems: [String] = []
        var interrupted = 0
        for index in 0..<count {
            let history = try harness.engine.describe("chain", id: "r\(index)")
            if history.instance.status != .complete || history.instance.output != Data("45".utf8) {
                problems.append("r\(index): \(history.instance.status.rawValue)")
            }
            if history.steps.count != 10 || history.steps.contains(where: { $0.status != .succeeded }) {
                problems.append("r\(index): \(history.steps.count) steps")
            }
            for step in history.steps {
                let attempts = history.attempts.filter { $0.name == step.key.name && $0.count == step.key.count }
                if attempts.filter({ $0.success == true }).count != 1 { problems.append("r\(index) \(step.key.displayName): \(attempts.count) attempts") }
                interrupted += attempts.filter { $0.success == false }.count
            }
        }
        await harness.stop()
        report.add("W4 recovery", "killed after", Double(finishedBeforeKill), "complete")
        report.add("W4 recovery", "recovered", Double(count - completeAtStart), "instances")
        report.add("W4 recovery", "start to all complete", elapsed * 1000, "ms", atMost: 1000)
        report.add("W4 recovery", "interrupted attempts", Double(interrupted), "attempts")
        report.check("W4 recovery", "each instance once, each step once",
                     problems.isEmpty && completeAtStart + finishedAfter == count,
                     problems.isEmpty ? "\(count)/\(count)" : problems.prefix(3).joined(separator: "; "))
    }
}
