import Cairn
import CairnEngine
import CairnStore
import CairnTriggers
import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// W8: 2,000 small files dropped at once (renamed into the watched directory from a staging
/// directory on the same file system, so each arrives complete) with a one-step workflow
/// that reads its file. Reports the time until every file has its instance (taken) and until
/// every file is in `done/`, as files per second.
enum W8Drops {
    /// Reads the dropped file in one step.
    struct ReadFile: Workflow {
        struct Params: Codable, Sendable { var path: String }
        func run(event: WorkflowEvent<Params>, step: WorkflowStep) async throws -> Int {
            let path = event.payload.path
            return try await step.do("read") { _ in FileManager.default.contents(atPath: path)?.count ?? -1 }
        }
    }

    static func run(directory: String, quick: Bool, report: Report) async throws {
        let count = quick ? 500 : 2_000
        let inbox = "\(directory)/w8-inbox"
        let staging = "\(directory)/w8-staging"
        for path in [inbox, staging] { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        for index in 0..<count {
            try Data("row \(index)\n".utf8).write(to: URL(fileURLWithPath: "\(staging)/f\(index).csv"))
        }
        let harness = try EngineHarness(path: "\(directory)/w8.sqlite", migrations: DropService.migrations) { try $0.register(ReadFile(), as: "read") }
        var logger = Logger(label: "cairn.bench.w8")
        logger.logLevel = .warning
        let drop = try DropDefinition(name: "w8", directory: inbox, workflow: "read")
        let service = DropService(definitions: [drop], engine: harness.engine, store: harness.store, logger: logger)
        let running = Task { try await service.run() }
        // Let the service prepare .cairn/ and start inotify before the drop.
        while !FileManager.default.fileExists(atPath: "\(inbox)/.cairn/processing") { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(200))
        let start = ContinuousClock.now
        for index in 0..<count { rename("\(staging)/f\(index).csv", "\(inbox)/f\(index).csv") }
        var taken: Duration?
        var finished: Duration?
        let deadline = start + .seconds(120)
        while ContinuousClock.now < deadline, finished == nil {
            let (rows, done) = try harness.store.read { tx in
                let rows = try tx.row("SELECT COUNT(*) AS n FROM drop_files WHERE instance IS NOT NULL", [])?["n"].integer ?? 0
                let done = try tx.row("SELECT COUNT(*) AS n FROM drop_files WHERE status = 'done'", [])?["n"].integer ?? 0
                return (Int(rows), Int(done))
            }
            if taken == nil, rows >= count { taken = ContinuousClock.now - start }
            if done >= count { finished = ContinuousClock.now - start }
            try await Task.sleep(for: .milliseconds(5))
        }
        running.cancel()
        _ = try? await running.value
        let inDone = ((try? FileManager.default.contentsOfDirectory(atPath: "\(inbox)/.cairn/done")) ?? []).count
        let instances = try harness.store.read { tx in try tx.row("SELECT COUNT(*) AS n FROM instances WHERE status = 'complete'", [])?["n"].integer ?? 0 }
        await harness.stop()
        func seconds(_ duration: Duration?) -> Double {
            guard let duration else { return .infinity }
            return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
        let label = "W8 \(count) dropped files"
        report.add(label, "all taken after", seconds(taken) * 1000, "ms")
        report.add(label, "all done after", seconds(finished) * 1000, "ms")
        report.add(label, "taken/s", Double(count) / seconds(taken), "files/s", atLeast: 1_000)
        report.add(label, "done/s", Double(count) / seconds(finished), "files/s")
        report.check(label, "instances = files in done/ = dropped", instances == Int64(count) && inDone == count, "\(instances)/\(inDone)/\(count)")
    }
}
