import CairnEngine
import Logging
import ServiceLifecycle
import Synchronization

/// Runs the engine inside the appliance's `ServiceGroup`. On graceful shutdown it drains:
/// no new instances start, waits end, running steps finish and commit; on cancellation
/// (grace period over, or a second signal) it stops at once, keeping what is committed.
///
/// If the engine itself fails (recovery cannot read the database, the file is locked past
/// the busy timeout), the service throws, which stops the whole appliance with a non-zero
/// exit so that a supervisor (systemd) restarts it, rather than serving 503 forever.
struct EngineService: Service {
    let engine: Engine
    let logger: Logger

    /// The engine stopped without being asked to.
    struct EngineStopped: Error, CustomStringConvertible {
        var reason: String
        var description: String { "The workflow engine stopped: \(reason). Cairn exits so a supervisor can restart it; committed work resumes by replay." }
    }

    private enum Ended { case engine, drained }

    /// Set once a drain was asked for, so an engine that ends because of it is not a failure
    /// (its run loop may end before the drain call itself returns).
    private final class DrainFlag: Sendable {
        let requested = Atomic<Bool>(false)
    }

    func run() async throws {
        let engine = self.engine
        let flag = DrainFlag()
        try await withThrowingTaskGroup(of: Ended.self) { group in
            group.addTask {
                do {
                    try await engine.run()
                } catch is CancellationError {
                }
                return .engine
            }
            let logger = self.logger
            group.addTask {
                // Throws when the group is cancelled (a hard stop); then there is nothing to drain.
                try await gracefulShutdown()
                flag.requested.store(true, ordering: .releasing)
                await engine.drain()
                if Task.isCancelled {
                    logger.warning("the shutdown grace period ran out (or a second signal came) before running steps finished; they were stopped and run again at the next start")
                }
                return .drained
            }
            defer { group.cancelAll() }
            while let ended = try await nextOrFailure(&group) {
                switch ended {
                case .drained:
                    continue
                case .engine:
                    if flag.requested.load(ordering: .acquiring) || Task.isCancelled { return }
                    throw EngineStopped(reason: "its run loop ended before a shutdown was requested")
                }
            }
        }
    }

    /// The next child's result; an engine failure is logged and rethrown as ``EngineStopped``.
    private func nextOrFailure(_ group: inout ThrowingTaskGroup<Ended, any Error>) async throws -> Ended? {
        do {
            return try await group.next()
        } catch is CancellationError {
            return nil
        } catch {
            let stopped = EngineStopped(reason: "\(error)")
            logger.critical("\(stopped)")
            throw stopped
        }
    }
}
