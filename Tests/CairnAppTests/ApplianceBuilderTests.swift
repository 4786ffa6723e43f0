import Cairn
import CairnApp
import CairnStore
import CairnTesting
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// A package's `configure` closure adds workflows in code, workflow types for the config,
/// services and routes, and the running appliance serves all of them.
@Suite struct ApplianceBuilderTests {
    struct Greet: Workflow {
        let greeting: String
        func run(event: WorkflowEvent<JSONValue>, step: WorkflowStep) async throws -> String {
            try await step.do("greet") { _ in "\(greeting), \(event.payload["name"]?.stringValue ?? "world")" }
        }
    }

    /// Records that it ran inside the appliance's service group, then waits for shutdown.
    struct Beacon: Service {
        let flag: Flag
        func run() async throws {
            flag.started.withLock { $0 = true }
            try? await gracefulShutdown()
        }
    }

    final class Flag: Sendable {
        let started = Mutex(false)
        let featureRows = Mutex<Int64?>(nil)
    }

    /// A feature with a table of its own: writes a row through the store at start, reads it back.
    struct Ledger: Service {
        static let migrations = [StoreMigration(feature: "ledger-test", number: 1, "entries", sql: "CREATE TABLE ledger_test (note TEXT NOT NULL) STRICT;")]
        let store: any WorkflowStore
        let flag: Flag
        func run() async throws {
            try await store.transaction { tx in try tx.execute("INSERT INTO ledger_test (note) VALUES (?)", [.text("started")]) }
            let count = try store.read { tx in try tx.row("SELECT COUNT(*) AS n FROM ledger_test")?["n"].integer }
            flag.featureRows.withLock { $0 = count }
            try? await gracefulShutdown()
        }
    }

    static let configure: Appliance.Configure = { app in
        try app.workflows.register(Greet(greeting: "Hello"), as: "hello")
        try app.workflows.add("greeter", summary: "Greets with a configured greeting.") { options in
            AnyWorkflow(Greet(greeting: try options.string("greeting", default: "Hi")))
        }
        app.addRoutes { routes, engine in
            routes.get("custom/names") { _, _ in engine.workflowNames.joined(separator: ",") }
        }
        app.addRoutes(authenticated: false) { routes, _ in
            routes.get("custom/ping") { _, _ in "pong" }
        }
    }

    @Test func configCheckKnowsTheTypesAndRegistrationsOfTheConfigureClosure() throws {
        let config = try ConfigLoader.parse("[[workflows]]\nname = \"hola\"\ntype = \"greeter\"\n[workflows.options]\ngreeting = \"Hola\"\n")
        let appliance = try Appliance.build(config: config, configure: Self.configure)
        let resolved = try appliance.registrations()
        #expect(resolved.map(\.name) == ["hello", "hola"])
        #expect(resolved.map(\.type) == [nil, "greeter"])
        #expect(throws: ConfigError.self) { try Appliance.build(config: config) }  // the stock build does not know "greeter"
    }

    @Test func aNameUsedInCodeAndInTheConfigIsRefused() throws {
        let config = try ConfigLoader.parse("[[workflows]]\nname = \"hello\"\ntype = \"greeter\"\n", source: "x.toml")
        let error = try #require(throws: ConfigError.self) { try Appliance.build(config: config, configure: Self.configure) }
        #expect(error.description.hasPrefix("x.toml:1: "))
        #expect(error.description.contains("also registered in code"))
    }

    @Test func theRunningApplianceServesWorkflowsServicesAndRoutes() async throws {
        let directory = try TemporaryDirectory(prefix: "cairn-builder")
        defer { directory.remove() }
        let token = "test-token-0123456789abcdef"
        var config = try ConfigLoader.parse("""
            [server]
            port = 0
            [storage]
            path = "\(directory.file("data/cairn.sqlite"))"
            [auth]
            token = "\(token)"
            [engine]
            shutdown_grace = "5 seconds"
            [[workflows]]
            name = "hola"
            type = "greeter"
            [workflows.options]
            greeting = "Hola"
            """)
        config.log.level = .warning
        let flag = Flag()
        var appliance = try Appliance.build(config: config) { app in
            try Self.configure(&app)
            app.addService(Beacon(flag: flag))
            app.addMigrations(Ledger.migrations)
            app.addService { context in Ledger(store: context.store, flag: flag) }
        }
        let port = Mutex<Int?>(nil)
        appliance.onListening = { bound in port.withLock { $0 = bound } }
        var quiet = Logger(label: "test")
        quiet.logLevel = .warning
        let (ready, logger) = (appliance, quiet)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await ready.run(logger: logger) }
            defer { group.cancelAll() }
            let bound = try await Poll.value("the server listening") { port.withLock { $0 } }
            let base = "http://127.0.0.1:\(bound)"

            #expect(try await Self.get("\(base)/custom/ping").body == "pong")
            #expect(try await Self.get("\(base)/custom/names").status == 401)
            #expect(try await Self.get("\(base)/custom/names", token: token).body == "hello,hola")
            #expect(flag.started.withLock { $0 })
            #expect(try await Poll.value("the feature's row") { flag.featureRows.withLock { $0 } } == 1)

            for (workflow, expected) in [("hello", "Hello, ada"), ("hola", "Hola, ada")] {
                let created = try await Self.send("POST", "\(base)/workflows/\(workflow)/instances", token: token, body: #"{"id": "i1", "params": {"name": "ada"}}"#)
                #expect(created.status == 201, "\(created.body)")
                let output = try await Poll.value("instance complete") { () async throws -> String? in
                    let described = try await Self.get("\(base)/workflows/\(workflow)/instances/i1", token: token)
                    let json = try JSONValue(json: Data(described.body.utf8))
                    return json["status"] == "complete" ? json["output"]?.stringValue : nil
                }
                #expect(output == expected)
            }
        }
    }

    static func get(_ url: String, token: String? = nil) async throws -> (status: Int, body: String) {
        try await send("GET", url, token: token, body: nil)
    }

    static func send(_ method: String, _ url: String, token: String? = nil, body: String?) async throws -> (status: Int, body: String) {
        var request = URLRequest(url: try #require(URL(string: url)))
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }
}
