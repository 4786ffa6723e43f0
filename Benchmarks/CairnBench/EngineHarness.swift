import Cairn
import CairnEngine
import CairnStore
import Foundation
import Logging

/// An engine on a fresh database with the appliance's default settings (WAL, FULL).
struct EngineHarness {
    let store: SQLiteStore
    let engine: Engine
    let completions: Completions
    private let running: Task<Void, any Error>

    init(path: String, migrations: [StoreMigration] = [], register: (Engine) throws -> Void) throws {
        store = try SQLiteStore(path: path, synchronous: Self.synchronous, migrations: migrations)
        var logger = Logger(label: "cairn.bench")
        logger.logLevel = .warning
        engine = try Engine(store: store, configuration: EngineConfiguration(), logger: logger)
        try register(engine)
        completions = Completions(engine: engine)
        let engine = self.engine
        // The engine runs for the harness's lifetime; stop() cancels it.
        running = Task { try await engine.run() }
    }

    /// FULL, as the appliance defaults to. `CAIRN_BENCH_SYNCHRONOUS=normal` is a diagnostic:
    /// without fsync, W1 shows the engine's CPU ceiling (W0 stays FULL).
    static var synchronous: SQLiteStore.Synchronous {
        ProcessInfo.processInfo.environment["CAIRN_BENCH_SYNCHRONOUS"]?.lowercased() == "normal" ? .normal : .full
    }

    func stop() async {
        running.cancel()
        _ = try? await running.value
        store.close()
    }
}

extension EngineHarness {
    /// Polls until `count` instances of `workflow` are waiting and none is left in memory.
    func waitUntilAllSuspended(_ workflow: String, count: Int, every interval: Duration = .milliseconds(20)) async throws {
        while true {
            let waiting = try engine.instanceCounts()[workflow]?[.waiting] ?? 0
            let live = await engine.liveInstanceCount()
            if waiting >= count && live == 0 { return }
            try await Task.sleep(for: interval)
        }
    }
}
