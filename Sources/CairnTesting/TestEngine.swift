import Cairn
import CairnEngine
import CairnStore
import Foundation
import Logging

/// Runs `body` with an engine on the database at `databasePath`, then drops the engine
/// without a graceful drain (as a crash would) and closes the store.
public func withTestEngine<T: Sendable>(
    databasePath: String,
    clock: any EngineClock = ManualClock(),
    configuration: EngineConfiguration = .init(),
    register: (Engine) throws -> Void,
    _ body: @Sendable (Engine) async throws -> T
) async throws -> T {
    try await withTestEngine(store: try SQLiteStore(path: databasePath), clock: clock, configuration: configuration, register: register, body)
}

/// Runs `body` with an engine on `store` (for example a ``FaultyStore``), then drops the
/// engine without a graceful drain and closes the store.
public func withTestEngine<T: Sendable>(
    store: any WorkflowStore,
    clock: any EngineClock = ManualClock(),
    configuration: EngineConfiguration = .init(),
    register: (Engine) throws -> Void,
    _ body: @Sendable (Engine) async throws -> T
) async throws -> T {
    defer { store.close() }
    var logger = Logger(label: "cairn.test")
    logger.logLevel = .warning      // keep test output to what matters
    let engine = try Engine(store: store, configuration: configuration, clock: clock, logger: logger)
    try register(engine)
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            try await engine.run()
            return nil
        }
        defer { group.cancelAll() }
        return try await body(engine)
    }
}
