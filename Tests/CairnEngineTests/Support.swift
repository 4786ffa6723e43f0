import Cairn
import CairnEngine
import CairnStore
import CairnTesting
import Foundation

/// Engine settings for tests: waits stay in memory unless a test wants suspension.
func inMemoryWaits() -> EngineConfiguration {
    var configuration = EngineConfiguration()
    configuration.suspendAfter = .seconds(86_400 * 400)
    return configuration
}

struct StringError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Fails every attempt, recording attempt numbers and the clock at each one.
struct AlwaysFails: Workflow {
    let probe: StepProbe
    let clock: ManualClock
    let times: TimeLog
    let retries: RetryPolicy
    let nonRetryable: Bool

    func run(event: WorkflowEvent<NoParams>, step: WorkflowStep) async throws -> String {
        do {
            try await step.do("flaky", config: StepConfig(retries: retries)) { context in
                probe.record("flaky")
                times.append(clock.now())
                if nonRetryable { throw NonRetryableError("card declined") }
                throw StringError("boom \(context.attempt)")
            }
            return "unreachable"
        } catch let error as StepError {
            return "caught \(error.name): \(error.message)"
        }
    }
}

final class TimeLog: Sendable {
    private let dates = Mutex<[Date]>([])
    func append(_ date: Date) { dates.withLock { $0.append(date) } }
    var all: [Date] { dates.withLock { $0 } }
}

import Synchronization
