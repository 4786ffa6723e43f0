import Cairn
import CairnEngine
import CairnServer
import CairnStore
import Foundation
import Logging
import ServiceLifecycle
#if canImport(Glibc)
import Glibc
#endif

/// The appliance: opens the store, starts the engine with the configured workflows and the
/// HTTP server as one `ServiceGroup`. SIGTERM/SIGINT drain gracefully (the server stops
/// accepting, running steps finish), a second signal or the grace period stops hard.
///
/// ```swift
/// let config = try ConfigLoader.load(path: "etc/cairn.toml")
/// try await Appliance(config: config).run(logger: Logger(label: "cairn"))
/// ```
public struct Appliance: Sendable {
    public var config: AppConfig
    public var catalog: WorkflowCatalog
    /// Called with the bound port once the server listens.
    public var onListening: @Sendable (Int) async -> Void = { _ in }

    public init(config: AppConfig, catalog: WorkflowCatalog = .builtIn) {
        self.config = config
        self.catalog = catalog
    }

    /// Checks every workflow entry against the catalog (no files or ports are touched).
    public func registrations() throws -> [(name: String, register: WorkflowCatalog.Registration)] {
        try config.workflows.map { entry in (entry.name, try catalog.resolve(entry, file: config.source)) }
    }

    public func run(logger: Logger) async throws {
        let registrations = try registrations()
        if registrations.isEmpty {
            logger.warning("no workflows configured; add [[workflows]] entries to the config")
        }
        try PortCheck.ensureAvailable(host: config.server.host, port: config.server.port)
        let exporter = MetricsExporter()
        exporter.bootstrap()
        let store = try SQLiteStore(path: config.storage.path, synchronous: config.storage.synchronous)
        defer { store.close() }
        let token = try APIToken.resolve(config)
        switch token.origin {
        case .config: logger.info("API token from the config file")
        case .environment(let name): logger.info("API token from the environment", metadata: ["variable": "\(name)"])
        case .file(let path): logger.info("API token from file", metadata: ["path": "\(path)"])
        case .generated(let path): logger.notice("generated an API token (mode 0600); the CLI reads it from there", metadata: ["path": "\(path)"])
        }
        if let warning = token.warning { logger.warning("\(warning)") }
        let engine = try Engine(store: store, configuration: config.engineConfiguration, logger: logger)
        for registration in registrations { try registration.register(engine, registration.name) }
        logger.info("starting", metadata: [
            "database": "\(config.storage.path)", "synchronous": "\(config.storage.synchronous.rawValue)",
            "workflows": "\(engine.workflowNames.joined(separator: ","))",
        ])
        let databasePath = config.storage.path
        let server = HTTPServer.make(
            settings: .init(host: config.server.host, port: config.server.port, maxBodyBytes: config.server.maxBodyBytes, token: token.value,
                            idleTimeout: .milliseconds(config.server.idleTimeoutMilliseconds)),
            engine: engine,
            readiness: { await Self.readiness(engine: engine, store: store, path: databasePath) },
            metrics: { exporter.render(engine: engine) },
            logger: logger,
            onRunning: onListening
        )
        var group = ServiceGroupConfiguration(
            services: [
                .init(service: SignalEscalation(logger: logger)),
                .init(service: EngineService(engine: engine)),
                .init(service: server),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        group.maximumGracefulShutdownDuration = .milliseconds(config.engine.shutdownGraceMilliseconds)
        do {
            try await ServiceGroup(configuration: group).run()
        } catch let error as SignalEscalation.HardStop {
            logger.warning("\(error)")
            return
        } catch {
            throw ApplianceError.describe(error, config: config)
        }
        logger.info("stopped")
    }

    /// Ready when the engine runs, the database file is writable and the writer commits.
    static func readiness(engine: Engine, store: SQLiteStore, path: String) async -> (ready: Bool, detail: String) {
        guard engine.isRunning else { return (false, "the engine is starting or draining") }
        guard access(path, W_OK) == 0 else { return (false, "the database file \(path) is not writable") }
        do {
            _ = try await store.perform(.ping(at: engine.clock.now()))
        } catch {
            return (false, "the database does not accept writes: \(error.message)")
        }
        return (true, "engine running, database writable")
    }
}

/// A failure to start that is not the config's fault (a busy port, a missing address).
public struct StartupError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}

/// Turns start-up failures into messages that say what to do.
enum ApplianceError {
    static func describe(_ error: any Error, config: AppConfig) -> any Error {
        let text = "\(error)"
        if text.contains("Address already in use") || text.contains("errno: 98") {
            return StartupError(message: "Port \(config.server.port) on \(config.server.host) is already in use (is another cairn running?). Stop the other process or set server.port in the config.")
        }
        if text.contains("Cannot assign requested address") || text.contains("errno: 99") {
            return StartupError(message: "Cannot listen on \(config.server.host): the address is not on this machine. Set server.host to 127.0.0.1 or an address of this host.")
        }
        return error
    }
}
