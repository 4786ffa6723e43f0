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

    /// Every completed `do` step's stored output, hashed, by `instance/name/count`.
    func stepOutputs() throws -> [String: UInt64] {
        try read { db in
            var outputs: [String: UInt64] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT i.workflow, i.id, s.name, s.count, s.output FROM steps s JOIN instances i ON i.rowid = s.instance
                WHERE s.kind = 'do' AND s.status = 'succeeded'
                """)
            while let row = try rows.next() {
                let key = "\(row["workflow"] as String)/\(row["id"] as String)/\(row["name"] as String)/\(row["count"] as Int64)"
                outputs[key] = Fnv.hash((row["output"] as Data?) ?? Data())
            }
            return outputs
        }
    }

    /// How many instances are not final yet.
    func unfinished() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM instances WHERE status NOT IN ('complete', 'errored', 'terminated')") ?? 0 }
    }
}
