import Logging
import ServiceLifecycle
import UnixSignals

/// Counts SIGTERM/SIGINT while the group drains: the second one throws, which cancels the
/// group (a hard stop: running steps are abandoned, committed state is kept and resumes by
/// replay at the next start). Listed first, so it is the last service asked to stop.
struct SignalEscalation: Service {
    struct HardStop: Error, CustomStringConvertible {
        var description: String { "Stopped hard on a second signal; unfinished instances resume at the next start." }
    }

    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var seen = 0
                for await signal in signals {
                    seen += 1
                    if seen == 1 {
                        logger.info("shutting down gracefully; send the signal again to stop at once", metadata: ["signal": "\(signal)"])
                    } else {
                        logger.warning("second signal: stopping now", metadata: ["signal": "\(signal)"])
                        throw HardStop()
                    }
                }
            }
            group.addTask {
                // Our turn to stop comes after the engine has drained.
                try await gracefulShutdown()
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }
}
