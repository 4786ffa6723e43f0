import CairnEngine
import ServiceLifecycle

/// Runs the engine inside the appliance's `ServiceGroup`. On graceful shutdown it drains:
/// no new instances start, waits end, running steps finish and commit; on cancellation
/// (grace period over, or a second signal) it stops at once, keeping what is committed.
struct EngineService: Service {
    let engine: Engine

    func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await engine.run() }
            // Returns when shutdown begins; throws when the group is cancelled instead.
            try await gracefulShutdown()
            await engine.drain()
        }
    }
}
