import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// Counts SIGTERM/SIGINT/SIGHUP (a closed terminal drains too, rather than dying silently)
/// while the group drains: the second one throws, which cancels the
/// group (a hard stop: running steps are abandoned, committed state is kept and resumes by
/// replay at the next start). Listed first, so it is the last service asked to stop.
///
/// As a last resort it also arms a watchdog: if the process is still alive `hardStopAfter`
/// past the grace period (first signal) or past a second signal, it exits with status 1,
/// whatever is stuck. Everything acknowledged is committed in SQLite, so exiting is safe.
struct SignalEscalation: Service {
    struct HardStop: Error, CustomStringConvertible {
        var description: String { "Stopped hard on a second signal; unfinished instances resume at the next start." }
    }

    let logger: Logger
    /// The graceful shutdown budget (`engine.shutdown_grace`).
    let grace: Duration
    /// How long cancellation may take before the watchdog ends the process.
    var hardStopAfter: Duration = .seconds(5)

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint, .sighup)
        let grace = self.grace
        let hardStopAfter = self.hardStopAfter
        let logger = self.logger
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var seen = 0
                for await signal in signals {
                    seen += 1
                    if seen == 1 {
                        logger.info("shutting down gracefully; send the signal again to stop at once", metadata: ["signal": "\(signal)"])
                        Watchdog.arm(after: grace + hardStopAfter, logger: logger)
                    } else {
                        logger.warning("second signal: stopping now", metadata: ["signal": "\(signal)"])
                        Watchdog.arm(after: hardStopAfter, logger: logger)
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

/// Ends the process if it has not ended by a deadline. Runs on a plain thread, so it fires
/// even when every cooperative thread is blocked.
enum Watchdog {
    static func arm(after delay: Duration, logger: Logger) {
        let seconds = Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: seconds)
            logger.critical("shutdown did not finish in time; exiting now. Committed work resumes at the next start.")
            exit(1)
        }
    }
}
