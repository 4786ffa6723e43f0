@testable import CairnApp
import CairnEngine
import CairnStore
import CairnTesting
import Logging
import ServiceLifecycle
import Testing

/// A failed engine stops the appliance (so a supervisor restarts it) instead of leaving a
/// process that answers 503 forever.
@Suite struct EngineServiceTests {
    /// Stands in for the HTTP server: runs until shutdown.
    struct Forever: Service {
        func run() async throws {
            try await gracefulShutdown()
        }
    }

    @Test func anEngineWhoseRecoveryFailsStopsTheWholeGroupWithAnError() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = FaultyStore(try SQLiteStore(path: dir.file("c.sqlite")))
        defer { store.close() }
        store.failWrites { command in
            if case .recover = command { return true }
            return false
        }
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let engine = try Engine(store: store, logger: logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: Forever()), .init(service: EngineService(engine: engine, logger: logger))],
            logger: logger))
        // Immediate in practice; the bound only catches a group that never stops (30 s: CI's two cores are busy).
        let outcome: String = try await within(.seconds(30), "the service group stopping") {
            do {
                try await group.run()
                return "returned normally"
            } catch let error as EngineService.EngineStopped {
                return "\(error)"
            }
        }
        #expect(outcome.contains("The workflow engine stopped"))
        #expect(outcome.contains("injected fault"))
    }
}
