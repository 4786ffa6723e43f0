import Foundation
import GRDB

/// Reads Cairn's database from outside, the way an operator would: short read-only
/// transactions (Cairn keeps running and writing). Only the final integrity check, after the
/// last shutdown, opens it read-write.
struct Database {
    let path: String

    func read<T>(readonly: Bool = true, _ body: (GRDB.Database) throws -> T) throws -> T {
        var configuration = Configuration()
        configuration.readonly = readonly
        configuration.busyMode = .timeout(10)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        return try queue.read(body)
    }

    /// One completed `do` step as stored.
    struct StoredStep {
        var workflow: String
        var instance: String
        var name: String
        var count: Int64
        var output: Data

        /// `workflow/instance/name/count`.
        var key: String { "\(workflow)/\(instance)/\(name)/\(count)" }
    }

    /// Every completed `do` step with its stored output.
    func storedSteps() throws -> [StoredStep] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT i.workflow, i.id, s.name, s.count, s.output FROM steps s JOIN instances i ON i.rowid = s.instance
                WHERE s.kind = 'do' AND s.status = 'succeeded'
                """).map {
                StoredStep(workflow: $0["workflow"], instance: $0["id"], name: $0["name"], count: $0["count"], output: ($0["output"] as Data?) ?? Data())
            }
        }
    }

    /// Every instance's id, workflow and status.
    func instances() throws -> [(id: String, workflow: String, status: String)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT id, workflow, status FROM instances").map { ($0["id"], $0["workflow"], $0["status"]) }
        }
    }

    /// Whether every dropped file has a final record (done, failed or duplicate) and nothing
    /// waits in the inbox or in `processing/`.
    func settled(_ dropped: [String], inbox: String) throws -> Bool {
        let fileManager = FileManager.default
        if let processing = try? fileManager.contentsOfDirectory(atPath: inbox + "/.cairn/processing"), !processing.isEmpty { return false }
        if ((try? fileManager.contentsOfDirectory(atPath: inbox)) ?? []).contains(where: { !$0.hasPrefix(".") }) { return false }
        let final = try read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT name) FROM drop_files WHERE drop_name = 'inbox' AND status IN ('done', 'failed', 'duplicate')") ?? 0
        }
        return final >= dropped.count
    }

    /// How many instances are not final yet.
    func unfinished() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM instances WHERE status NOT IN ('complete', 'errored', 'terminated')") ?? 0 }
    }
}
