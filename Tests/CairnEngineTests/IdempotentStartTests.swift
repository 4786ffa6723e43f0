import Cairn
import CairnEngine
import CairnStore
import CairnTesting
import Foundation
import Testing

/// Triggers start instances by a derived ID exactly once, with their own record committed in
/// the same transaction, in tables their own migrations create.
@Suite struct IdempotentStartTests {
    struct Counted: Workflow {
        struct Params: Codable, Sendable { var n: Int }
        let probe: StepProbe
        func run(event: WorkflowEvent<Params>, step: WorkflowStep) async throws -> Int {
            try await step.do("count") { _ in
                probe.record("count")
                return event.payload.n
            }
        }
    }

    static let deliveries = StoreMigration(feature: "test-hooks", number: 1, "deliveries", sql: """
        CREATE TABLE test_deliveries (delivery TEXT PRIMARY KEY, instance TEXT NOT NULL, created INTEGER NOT NULL) STRICT;
        """)

    struct Refused: Error, CustomStringConvertible {
        var description: String { "the delivery was refused by the hook" }
    }

    @Test func aRepeatedStartFindsTheInstanceAndTheTriggerRecordCommitsWithIt() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let probe = StepProbe()
        let store = try SQLiteStore(path: dir.file("c.sqlite"), migrations: [Self.deliveries])
        try await withTestEngine(store: store, register: { try $0.register(Counted(probe: probe), as: "c") }) { engine in
            @Sendable func record(_ delivery: String) -> @Sendable (StartOutcome, any StoreTransaction) throws -> Void {
                { outcome, tx in
                    try tx.execute("INSERT INTO test_deliveries (delivery, instance, created) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                                   [.text(delivery), .text(outcome.record.id), .integer(outcome.wasCreated ? 1 : 0)])
                }
            }
            let first = try await engine.start("c", id: "hook-d1", paramsJSON: Data(#"{"n": 7}"#.utf8), trigger: "webhook", alongside: record("d1"))
            let second = try await engine.start("c", id: "hook-d1", paramsJSON: Data(#"{"n": 8}"#.utf8), trigger: "webhook", alongside: record("d1-retry"))
            #expect(first.wasCreated)
            #expect(!second.wasCreated)
            #expect(second.record.rowID == first.record.rowID)
            #expect(second.record.params == Data(#"{"n": 7}"#.utf8))       // the original, not the repeat's
            let done = try await engine.waitForCompletion("c", id: "hook-d1")
            #expect(done.output == Data("7".utf8))
            #expect(done.trigger == "webhook")

            let rows = try store.read { tx in try tx.rows("SELECT delivery, instance, created FROM test_deliveries ORDER BY delivery") }
            #expect(rows.map { $0["delivery"].text } == ["d1", "d1-retry"])
            #expect(rows.map { $0["instance"].text } == ["hook-d1", "hook-d1"])
            #expect(rows.map { $0["created"].integer } == [1, 0])
        }
        #expect(probe.runs(of: "count") == 1)
    }

    @Test func aTriggerRecordThatFailsUndoesTheStart() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let probe = StepProbe()
        let store = try SQLiteStore(path: dir.file("c.sqlite"), migrations: [Self.deliveries])
        try await withTestEngine(store: store, register: { try $0.register(Counted(probe: probe), as: "c") }) { engine in
            do {
                _ = try await engine.start("c", id: "hook-x", paramsJSON: Data(#"{"n": 1}"#.utf8), trigger: "webhook") { outcome, tx in
                    try tx.execute("INSERT INTO test_deliveries (delivery, instance, created) VALUES (?, ?, 1)", [.text("x"), .text(outcome.record.id)])
                    throw Refused()
                }
                Issue.record("the start succeeded")
            } catch let error as EngineError {
                #expect(error.code == .rejected)
                #expect(error.message.contains("refused by the hook"))
            }
            #expect(throws: EngineError.self) { try engine.record("c", id: "hook-x") }
            #expect(try store.read { try $0.rows("SELECT * FROM test_deliveries") }.isEmpty)
        }
        #expect(probe.runs(of: "count") == 0)
    }

    @Test func featureMigrationsRunOnceAndAFileWithAnUnknownFeatureStillOpens() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("c.sqlite")
        try SQLiteStore(path: path, migrations: [Self.deliveries]).close()
        let reopened = try SQLiteStore(path: path, migrations: [Self.deliveries])
        #expect(try reopened.read { try $0.rows("SELECT COUNT(*) AS n FROM test_deliveries") }.first?["n"].integer == 0)
        reopened.close()
        // A build without that feature opens the file and leaves the feature's table alone.
        let without = try SQLiteStore(path: path)
        #expect(try without.read { try $0.rows("SELECT name FROM sqlite_master WHERE name = 'test_deliveries'") }.count == 1)
        without.close()
        #expect(throws: StoreError.self) {
            try SQLiteStore(path: path, migrations: [Self.deliveries, Self.deliveries])
        }
    }
}
