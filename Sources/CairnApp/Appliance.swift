import Cairn
import CairnEmbeddings
import CairnEngine
import CairnServer
import CairnStore
import Foundation
import Logging
import ServiceLifecycle
#if canImport(Glibc)
import Glibc
#endif

/// The appliance: opens the store, starts the engine with its workflows, the features'
/// services and the HTTP server (with the features' routes) as one `ServiceGroup`.
/// SIGTERM/SIGINT drain gracefully (the server stops accepting, services stop, running steps
/// finish), a second signal or the grace period stops hard.
///
/// Build it with ``build(config:configure:)``, the one function `main`, the CLI and the tests
/// call; features add workflows, workflow types, services and routes in `configure`:
///
/// ```swift
/// let config = try ConfigLoader.load(path: "etc/cairn.toml")
/// let appliance = try Appliance.build(config: config) { app in
///     try app.workflows.register(IPReport(), as: "ip-report")
///     app.addMigrations(ReportScheduler.migrations)
///     app.addService { context in ReportScheduler(engine: context.engine, store: context.store) }
/// }
/// try await appliance.run(logger: Logger(label: "cairn"))
/// ```
public struct Appliance: Sendable {
    /// Adds a package's workflows, workflow types, services and routes.
    public typealias Configure = @Sendable (inout Appliance) throws -> Void
    /// Makes a service once the engine and the store exist (a trigger that creates
    /// instances and keeps its own records, say).
    public typealias ServiceFactory = @Sendable (ServiceContext) throws -> any Service

    /// What a feature's service is built with.
    public struct ServiceContext: Sendable {
        public let engine: Engine
        /// The store, for the feature's own tables (``StoreMigration``) through
        /// ``CairnStore/WorkflowStore/transaction(_:)`` and ``CairnStore/WorkflowStore/read(_:)``.
        public let store: any WorkflowStore
        public let logger: Logger
    }

    public var config: AppConfig
    /// Workflows registered in code, and the types `[[workflows]]` entries can name.
    public var workflows: WorkflowCatalog
    /// Run in the appliance's `ServiceGroup` after the engine and before the HTTP server,
    /// so on shutdown they stop after the server and before the engine drains.
    public var services: [ServiceFactory] = []
    /// Added to the HTTP server.
    public var routes: [RouteRegistration] = []
    /// Embedding indexes (Cairn's database), filled in when the appliance starts.
    public let indexStore = IndexStoreBox()
    /// Features' own tables, applied after Cairn's migrations when the store opens.
    public var migrations: [StoreMigration] = []
    /// Plugins by name: what `[[pipelines]]` actions call (`http` for `http.fetch`).
    public var plugins: [String: any CairnPlugin] = [:]
    /// Called with the bound port once the server listens.
    public var onListening: @Sendable (Int) async -> Void = { _ in }

    public init(config: AppConfig, catalog: WorkflowCatalog = WorkflowCatalog()) {
        self.config = config
        self.workflows = catalog
    }

    /// Builds the appliance from a config: runs `configure`, then checks every workflow
    /// entry against the known types and every schedule and hook against the workflows (no
    /// ports are touched; `[[hooks]]` secrets were read when the config was loaded).
    public static func build(config: AppConfig, configure: Configure = { _ in }) throws -> Appliance {
        var appliance = Appliance(config: config)
        appliance.addMigrations(EmbeddingIndexTables.migrations)
        try configure(&appliance)
        let registrations = try appliance.registrations()
        try appliance.checkSchedules(against: registrations)
        try appliance.checkHooks(against: registrations)
        try appliance.checkDrops(against: registrations)
        try appliance.checkPipelines(against: registrations)
        appliance.installSchedules()
        appliance.installHooks()
        appliance.installDrops()
        if let embeddings = appliance.plugins["embeddings"] as? EmbeddingsPlugin {
            appliance.routes.append(IndexRoutes.registration(plugin: embeddings, settings: config.pluginSettings["embeddings"] ?? .object([:]), box: appliance.indexStore))
        }
        return appliance
    }

    /// Adds a service to run alongside the engine.
    public mutating func addService(_ service: some Service) {
        services.append { _ in service }
    }

    /// Makes `plugin`'s actions available to pipelines; a later plugin of the same name
    /// replaces an earlier one.
    public mutating func addPlugin(_ plugin: any CairnPlugin) {
        plugins[plugin.name] = plugin
    }

    /// Adds a service made once the engine and the store exist.
    public mutating func addService(_ make: @escaping ServiceFactory) {
        services.append(make)
    }

    /// Adds a feature's numbered schema changes (its own tables).
    public mutating func addMigrations(_ added: [StoreMigration]) {
        migrations += added
    }

    /// Adds HTTP routes; `authenticated` ones need the management API's bearer token.
    public mutating func addRoutes(authenticated: Bool = true, _ add: @escaping RouteRegistration.Add) {
        routes.append(RouteRegistration(authenticated: authenticated, add))
    }

    /// Every workflow the appliance will serve: those registered in code, then the config's
    /// entries resolved against their types. Throws a ``ConfigError`` naming the entry.
    /// - Parameter logger: where pipelines' plugins write (`PluginContext.log`); none when `nil`.
    public func registrations(logger: Logger? = nil) throws -> [ResolvedWorkflow] {
        let inCode = workflows.registered.map { ResolvedWorkflow(name: $0.name, type: nil, workflow: $0.workflow, secretKeys: []) }
        let pipelines = config.pipelines.map { definition in
            ResolvedWorkflow(name: definition.name, type: "pipeline",
                             workflow: AnyWorkflow(PipelineWorkflow(definition: definition, plugins: plugins, settings: config.pluginSettings, secrets: config.secrets,
                                                                    logger: logger, indexes: indexStore)),
                             secretKeys: [])
        }
        var builtIn: [ResolvedWorkflow] = []
        if hasIndexes {
            builtIn.append(ResolvedWorkflow(name: IndexRebuildWorkflow.name, type: "pipeline",
                                            workflow: AnyWorkflow(PipelineWorkflow(definition: IndexRebuildWorkflow.definition, plugins: plugins,
                                                                                   settings: config.pluginSettings, secrets: config.secrets,
                                                                                   logger: logger, indexes: indexStore)),
                                            secretKeys: []))
        }
        let all = try inCode + config.workflows.map { entry in try workflows.resolve(entry, file: config.source) } + pipelines
        if hasIndexes, all.contains(where: { $0.name == IndexRebuildWorkflow.name }) {
            throw ConfigError("The workflow name \(IndexRebuildWorkflow.name) is Cairn's own (index rebuilds) while [[indexes]] are declared; rename your workflow.", file: config.source)
        }
        return all + builtIn
    }

    /// Whether the embeddings plugin is in and the config declares `[[indexes]]`.
    var hasIndexes: Bool {
        plugins["embeddings"] is EmbeddingsPlugin && !(config.pluginSettings["embeddings"]?["indexes"]?.arrayValue ?? []).isEmpty
    }

    public func run(logger: Logger) async throws {
        let registrations = try registrations(logger: logger)
        if registrations.isEmpty {
            logger.warning("no workflows configured; add [[workflows]] entries to the config")
        }
        try PortCheck.ensureAvailable(host: config.server.host, port: config.server.port)
        let exporter = MetricsExporter()
        exporter.bootstrap()
        let store = try SQLiteStore(path: config.storage.path, synchronous: config.storage.synchronous, migrations: migrations)
        defer { store.close() }
        let tables = EmbeddingIndexTables(store: store)
        indexStore.set(tables)
        // Chunks staged by runs that will never publish (terminated, or errored by a crash
        // before they could discard) are invisible; they go here instead of lingering.
        let swept = try await tables.sweepAbandonedRuns()
        if swept > 0 { logger.info("removed chunks staged by indexing runs that ended without publishing", metadata: ["chunks": "\(swept)"]) }
        let token = try APIToken.resolve(config)
        switch token.origin {
        case .config: logger.info("API token from the config file")
        case .environment(let name): logger.info("API token from the environment", metadata: ["variable": "\(name)"])
        case .file(let path): logger.info("API token from file", metadata: ["path": "\(path)"])
        case .generated(let path): logger.notice("generated an API token (mode 0600); the CLI reads it from there", metadata: ["path": "\(path)"])
        }
        if let warning = token.warning { logger.warning("\(warning)") }
        let engine = try Engine(store: store, configuration: config.engineConfiguration, logger: logger)
        for registration in registrations { try engine.register(registration.workflow, as: registration.name) }
        let context = ServiceContext(engine: engine, store: store, logger: logger)
        let extraServices = try services.map { make in ServiceGroupConfiguration.ServiceConfiguration(service: try make(context)) }
        logger.info("starting", metadata: [
            "database": "\(config.storage.path)", "synchronous": "\(config.storage.synchronous.rawValue)",
            "workflows": "\(engine.workflowNames.joined(separator: ","))",
        ])
        let databasePath = config.storage.path
        let server = HTTPServer.make(
            settings: .init(host: config.server.host, port: config.server.port, maxBodyBytes: config.server.maxBodyBytes, token: token.value,
                            idleTimeout: .milliseconds(config.server.idleTimeoutMilliseconds),
                            requestTimeout: .milliseconds(config.server.requestTimeoutMilliseconds)),
            engine: engine,
            readiness: { await Self.readiness(engine: engine, store: store, path: databasePath) },
            metrics: { (try? await engine.offloaded { exporter.render(engine: $0) }) ?? "" },
            routes: routes,
            logger: logger,
            onRunning: onListening
        )
        // A graceful shutdown stops services in reverse order, each after the one before has
        // finished: the engine drains first (running steps finish and commit), while the
        // server still answers (creates then commit queued instances for the next start), so
        // a request that is slow to finish cannot use up the grace before the engine drains.
        var members: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: SignalEscalation(logger: logger, grace: .milliseconds(config.engine.shutdownGraceMilliseconds))),
            .init(service: DescriptorWatch(logger: logger)),
            .init(service: server),
        ]
        members += extraServices
        members.append(.init(service: EngineService(engine: engine, logger: logger)))
        var group = ServiceGroupConfiguration(
            services: members,
            gracefulShutdownSignals: [.sigterm, .sigint, .sighup],
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

    /// Ready when the engine runs, the database file is writable and the writer commits within
    /// `timeout` (a stalled disk, whose fsync hangs, makes the answer "not ready" in time
    /// instead of a probe that never returns).
    static func readiness(engine: Engine, store: any WorkflowStore, path: String, timeout: Duration = .seconds(5)) async -> (ready: Bool, detail: String) {
        guard engine.isRunning else { return (false, "the engine is starting or draining") }
        guard access(path, W_OK) == 0 else { return (false, "the database file \(path) is not writable") }
        let now = engine.clock.now()
        let answer = await Race.first(within: timeout) { () async -> String? in
            do throws(StoreError) {
                _ = try await store.perform(.ping(at: now))
                return nil
            } catch {
                return "the database does not accept writes: \(error.message)"
            }
        }
        switch answer {
        case .some(.none): return (true, "engine running, database writable")
        case .some(.some(let problem)): return (false, problem)
        case .none: return (false, "the database has not committed a write in \(timeout) (a stalled or very slow disk?); writes wait until it does")
        }
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
