import Cairn
import CairnEngine
import CairnStore
import Foundation

/// A workflow whose steps log their executions: one → two → nap (8 s) → three. The nap is
/// long enough that a test on a busy machine still kills the process inside it.
struct CrashWorkflow: Workflow {
    let log: StepLog
    let slow: Bool

    func run(event: WorkflowEvent<NoParams>, step: WorkflowStep) async throws -> String {
        let one = try await step.do("one") { _ in
            log.append("one-start")
            return "1"
        }
        let two = try await step.do("two", config: StepConfig(retries: RetryPolicy(limit: 3, delay: "1 second", backoff: .constant))) { context in
            log.append("two-start attempt=\(context.attempt)")
            if slow { try await Task.sleep(for: .seconds(120)) }
            log.append("two-end")
            return "2"
        }
        try await step.sleep("nap", "8 seconds")
        let three = try await step.do("three") { _ in
            log.append("three-start")
            return "3"
        }
        return one + two + three
    }
}

/// Appends lines to a file with O_APPEND; survives SIGKILL of this process.
struct StepLog: Sendable {
    let path: String
    func append(_ line: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }
}

enum CrashHelper {
    static func main(database: String, log: String, instanceID: String, slow: Bool) async -> Int32 {
        do {
            let store = try SQLiteStore(path: database)
            let engine = try Engine(store: store)
            try engine.register(CrashWorkflow(log: StepLog(path: log), slow: slow), as: "crashy")
            return try await withThrowingTaskGroup(of: Int32.self) { group in
                group.addTask {
                    try await engine.run()
                    return 1
                }
                if (try? engine.record("crashy", id: instanceID)) == nil {
                    _ = try await engine.create("crashy", id: instanceID)
                }
                let final = try await engine.waitForCompletion("crashy", id: instanceID, timeout: .seconds(120))
                StepLog(path: log).append("instance-\(final.status.rawValue)")
                group.cancelAll()
                return final.status == .complete ? 0 : 1
            }
        } catch {
            FileHandle.standardError.write(Data("cairn-crash-helper: \(error)\n".utf8))
            return 1
        }
    }
}
