import Cairn
@testable import CairnStore
import CairnTesting
import Foundation
import GRDB
import Testing

/// Migration v6: the live-instances index is written with plain comparisons, so a status
/// change builds no ephemeral table, and the recovery and orphan queries find live instances
/// through it instead of scanning finished ones.
@Suite struct LiveIndexTests {
    func opcodes(_ sql: String, _ db: Database) throws -> [String] {
        try Row.fetchAll(db, sql: "EXPLAIN \(sql)").map { $0["opcode"] as String }
    }

    func plan(_ sql: String, _ db: Database) throws -> String {
        try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN \(sql)").map { $0["detail"] as String }.joined(separator: "\n")
    }

    @Test func statusChangesBuildNoEphemeralTableAndLiveQueriesUseTheIndex() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStore(path: dir.file("c.sqlite"))
        store.close()
        let queue = try DatabaseQueue(path: dir.file("c.sqlite"))
        try queue.read { db in
            let indexes = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'instances' ORDER BY name")
            #expect(indexes.contains("instances_live") && !indexes.contains("instances_unfinished"), "\(indexes)")
            let update = """
                UPDATE instances SET status = 'running', updated_at = 1 WHERE rowid = 1
                AND status <> 'waitingForPause' AND status <> 'paused' AND \(InstanceRecord.live)
                """
            #expect(try !opcodes(update, db).contains("OpenEphemeral"))
            let insert = "INSERT INTO instances (workflow, id, status, epoch, params, trigger, created_at, updated_at) VALUES ('w', 'i', 'queued', 0, '{}', 'api', 1, 1)"
            #expect(try !opcodes(insert, db).contains("OpenEphemeral"))
            let orphans = """
                SELECT rowid, workflow FROM instances WHERE \(InstanceRecord.live) AND status IN ('queued', 'running', 'waiting')
                AND rowid NOT IN (SELECT instance FROM timers WHERE wake_at > 1) ORDER BY rowid LIMIT 10
                """
            let orphansPlan = try plan(orphans, db)
            #expect(orphansPlan.contains("INDEX instances_live"), "\(orphansPlan)")
            let settle = "UPDATE instances SET status = 'paused' WHERE \(InstanceRecord.live) AND status = 'waitingForPause'"
            let settlePlan = try plan(settle, db)
            #expect(settlePlan.contains("INDEX instances_live"), "\(settlePlan)")
        }
    }
}
