import Cairn
import CairnEngine
import CairnStore
import CairnTesting
@testable import CairnTriggers
import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// Reads the dropped file in one step and returns its text with the params it was given.
struct ReadsTheFile: Workflow {
    func run(event: WorkflowEvent<JSONValue>, step: WorkflowStep) async throws -> JSONValue {
        let path = event.payload["path"]?.stringValue ?? ""
        let text = try await step.do("read") { _ in
            guard let data = FileManager.default.contents(atPath: path) else { throw NonRetryableError("no file at \(path)") }
            return String(decoding: data, as: UTF8.self)
        }
        return ["text": .string(text), "params": event.payload]
    }
}

/// Waits for an `approved` event (a long-running instance), then ends.
struct WaitsForApproval: Workflow {
    func run(event: WorkflowEvent<JSONValue>, step: WorkflowStep) async throws -> String {
        _ = try await step.waitForEvent("approval", type: "approved", timeout: .hours(1), as: JSONValue.self)
        return "approved"
    }
}

/// Fails at once.
struct Fails: Workflow {
    func run(event: WorkflowEvent<JSONValue>, step: WorkflowStep) async throws -> String {
        try await step.do("fail") { _ in throw NonRetryableError("this workflow refuses every file") }
    }
}

/// A drop service on a real directory (real inotify), database and engine.
struct DropHarness: Sendable {
    let root: TemporaryDirectory
    var inbox: String { root.file("inbox") }
    var database: String { root.file("cairn.sqlite") }

    init() throws {
        root = try TemporaryDirectory(prefix: "cairn-drops")
        try FileManager.default.createDirectory(atPath: root.file("inbox"), withIntermediateDirectories: true)
    }

    func drop(_ name: String = "inbox", workflow: String = "reader", settle: Duration = .milliseconds(300), scan: Duration = .seconds(30),
              dedupe: DropDefinition.Dedupe = .none, batch: Int = 100, maxFileBytes: Int64 = 1 << 30,
              keepDone: Duration? = .seconds(86_400), pattern: String? = nil) throws -> DropDefinition {
        try DropDefinition(name: name, directory: inbox, workflow: workflow, pattern: pattern.map { try FileGlob($0) }, settle: settle, scanInterval: scan,
                           keepDone: keepDone, maxFileBytes: maxFileBytes, batch: batch, dedupe: dedupe)
    }

    /// Runs `body` while the service watches `drops`; stops it (as a crash would: no drain) after.
    func run(_ drops: [DropDefinition], _ body: @Sendable (DropService, Engine, SQLiteStore) async throws -> Void) async throws {
        let store = try SQLiteStore(path: database, migrations: DropService.migrations)
        var configuration = EngineConfiguration()
        configuration.suspendAfter = .seconds(3600)
        try await withTestEngine(store: store, clock: SystemClock(), configuration: configuration, register: { engine in
            try engine.register(ReadsTheFile(), as: "reader")
            try engine.register(WaitsForApproval(), as: "waiter")
            try engine.register(Fails(), as: "failer")
        }) { engine in
            let service = DropService(definitions: drops, engine: engine, store: store, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
            let task = Task { try await service.run() }
            defer { task.cancel() }
            try await body(service, engine, store)
        }
    }

    /// Writes `text` to `name` in the inbox (opened, written, closed).
    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: "\(inbox)/\(name)"))
    }

    /// The names in an area of `.cairn/` (or the inbox itself).
    func list(_ area: String? = nil) -> [String] {
        let path = area.map { "\(inbox)/.cairn/\($0)" } ?? inbox
        return ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }

    func remove() { root.remove() }
}

extension SQLiteStore {
    func dropRows(_ drop: String = "inbox") throws -> [DropFileRecord] {
        try read { tx in try DropLedger.page(drop: drop, status: nil, before: nil, limit: 100_000, tx) }
    }
}
