import Cairn
@testable import CairnStore
import CairnTesting
import Foundation
import Testing

/// Schema v5 moved each step's attempts into its own row and dropped the foreign key from
/// `steps`. A file the previous release left (schema v4: an `attempts` table) upgrades in
/// place with every attempt kept.
@Suite struct AttemptLogMigrationTests {
    /// Cairn's own tables exactly as release da072b6 created them (dumped from its
    /// `sqlite_master`), with its migrations recorded.
    static let v4Schema = """
        CREATE TABLE instances (
            rowid INTEGER PRIMARY KEY,
            workflow TEXT NOT NULL,
            id TEXT NOT NULL,
            status TEXT NOT NULL,
            epoch INTEGER NOT NULL DEFAULT 0,
            params BLOB NOT NULL,
            output BLOB,
            error_name TEXT,
            error_message TEXT,
            trigger TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            started_at INTEGER,
            ended_at INTEGER,
            updated_at INTEGER NOT NULL,
            paused_at INTEGER,
            waiting_for TEXT,
            wake_at INTEGER, event_time INTEGER,
            UNIQUE (workflow, id)
        ) STRICT;
        CREATE INDEX instances_by_workflow_created ON instances (workflow, created_at);
        CREATE INDEX instances_by_workflow_status ON instances (workflow, status, created_at);
        CREATE INDEX instances_unfinished ON instances (status)
            WHERE status NOT IN ('complete', 'errored', 'terminated');
        CREATE INDEX instances_by_end ON instances (ended_at) WHERE ended_at IS NOT NULL;
        CREATE TABLE steps (
            instance INTEGER NOT NULL REFERENCES instances (rowid) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            count INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            config TEXT,
            output BLOB,
            error_name TEXT,
            error_message TEXT,
            started_at INTEGER NOT NULL,
            ended_at INTEGER,
            wake_at INTEGER,
            event_type TEXT,
            PRIMARY KEY (instance, kind, name, count)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX steps_waiting ON steps (instance, event_type, seq) WHERE status = 'waiting';
        CREATE TABLE attempts (
            instance INTEGER NOT NULL REFERENCES instances (rowid) ON DELETE CASCADE,
            name TEXT NOT NULL,
            count INTEGER NOT NULL,
            attempt INTEGER NOT NULL,
            started_at INTEGER NOT NULL,
            ended_at INTEGER,
            success INTEGER,
            error_name TEXT,
            error_message TEXT,
            PRIMARY KEY (instance, name, count, attempt)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE timers (
            instance INTEGER PRIMARY KEY REFERENCES instances (rowid) ON DELETE CASCADE,
            wake_at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX timers_by_wake ON timers (wake_at);
        CREATE TABLE events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            instance INTEGER NOT NULL REFERENCES instances (rowid) ON DELETE CASCADE,
            type TEXT NOT NULL,
            payload BLOB NOT NULL,
            sent_at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX events_by_instance_type ON events (instance, type, seq);
        CREATE TABLE health (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            checked_at INTEGER NOT NULL
        ) STRICT;
        CREATE TABLE instance_counts (
            workflow TEXT NOT NULL,
            status TEXT NOT NULL,
            n INTEGER NOT NULL,
            PRIMARY KEY (workflow, status)
        ) STRICT, WITHOUT ROWID;
        CREATE TRIGGER instance_counts_insert AFTER INSERT ON instances BEGIN
            INSERT OR IGNORE INTO instance_counts (workflow, status, n) VALUES (NEW.workflow, NEW.status, 0);
            UPDATE instance_counts SET n = n + 1 WHERE workflow = NEW.workflow AND status = NEW.status;
        END;
        CREATE TRIGGER instance_counts_delete AFTER DELETE ON instances BEGIN
            UPDATE instance_counts SET n = n - 1 WHERE workflow = OLD.workflow AND status = OLD.status;
        END;
        CREATE TRIGGER instance_counts_update AFTER UPDATE OF workflow, status ON instances
        WHEN OLD.status IS NOT NEW.status OR OLD.workflow IS NOT NEW.workflow BEGIN
            UPDATE instance_counts SET n = n - 1 WHERE workflow = OLD.workflow AND status = OLD.status;
            INSERT OR IGNORE INTO instance_counts (workflow, status, n) VALUES (NEW.workflow, NEW.status, 0);
            UPDATE instance_counts SET n = n + 1 WHERE workflow = NEW.workflow AND status = NEW.status;
        END;
        CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
        INSERT INTO grdb_migrations (identifier) VALUES ('v1-instances-steps-attempts-timers-events'), ('v2-health'), ('v3-event-time'), ('v4-instance-counts');
        """

    @Test func aV4FileUpgradesInPlaceKeepingEveryAttempt() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("v4.sqlite")
        // Rows as the previous release wrote them: a step that succeeded at once, one that
        // failed twice (messages with quotes, a newline and a NUL-free control character)
        // then succeeded, one whose attempt was running when the process stopped, and a sleep.
        try ExternalSQLite.execute(path, Self.v4Schema + """
            INSERT INTO instances (rowid, workflow, id, status, params, trigger, created_at, started_at, updated_at)
                VALUES (7, 'w', 'a', 'running', CAST('{}' AS BLOB), 'api', 1000, 1000, 1500);
            INSERT INTO steps (instance, kind, name, count, seq, status, attempts, config, output, started_at, ended_at)
                VALUES (7, 'do', 'once', 1, 1, 'succeeded', 1, NULL, CAST('1' AS BLOB), 1001, 1002);
            INSERT INTO attempts VALUES (7, 'once', 1, 1, 1001, 1002, 1, NULL, NULL);
            INSERT INTO steps (instance, kind, name, count, seq, status, attempts, output, started_at, ended_at)
                VALUES (7, 'do', 'flaky', 1, 2, 'succeeded', 3, CAST('2' AS BLOB), 1003, 1300);
            INSERT INTO attempts VALUES (7, 'flaky', 1, 1, 1004, 1005, 0, 'Error', 'said "no"' || char(10) || 'twice' || char(9));
            INSERT INTO attempts VALUES (7, 'flaky', 1, 2, 1100, 1101, 0, 'Error', 'again \\ again');
            INSERT INTO attempts VALUES (7, 'flaky', 1, 3, 1200, 1300, 1, NULL, NULL);
            INSERT INTO steps (instance, kind, name, count, seq, status, attempts, started_at, wake_at)
                VALUES (7, 'sleep', 'nap', 1, 3, 'slept', 0, 1301, 1400);
            INSERT INTO steps (instance, kind, name, count, seq, status, attempts, started_at)
                VALUES (7, 'do', 'busy', 1, 4, 'running', 1, 1401);
            INSERT INTO attempts VALUES (7, 'busy', 1, 1, 1402, NULL, NULL, NULL, NULL);
            """)
        let store = try SQLiteStore(path: path)
        defer { store.close() }
        let history = try #require(try store.history(workflow: "w", id: "a"))
        #expect(history.steps.map(\.key.name) == ["once", "flaky", "nap", "busy"])
        let flaky = history.attempts.filter { $0.name == "flaky" }
        #expect(flaky.map(\.attempt) == [1, 2, 3])
        #expect(flaky.map(\.success) == [false, false, true])
        #expect(flaky.map(\.error?.message) == ["said \"no\"\ntwice\t", "again \\ again", nil])
        #expect(flaky.map { $0.startedAt.millis } == [1004, 1100, 1200])
        #expect(flaky.map { $0.endedAt?.millis } == [1005, 1101, 1300])
        let once = history.attempts.filter { $0.name == "once" }
        #expect(once.map { [$0.startedAt.millis, $0.endedAt?.millis ?? -1] } == [[1001, 1002]])
        let busy = history.attempts.filter { $0.name == "busy" }
        #expect(busy.map { [Int64($0.attempt), $0.startedAt.millis] } == [[1, 1402]])
        #expect(busy.first?.endedAt == nil && busy.first?.success == nil)
        #expect(history.attempts.filter { $0.name == "nap" }.isEmpty)
        // The replay view carries the same log (a recovered lifetime continues it).
        let replayed = try #require(try store.replayState(rowID: 7)).1
        #expect(replayed.first { $0.key.name == "flaky" }?.attemptLog.count == 3)

        #expect(try ExternalSQLite.value(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'attempts'") == "0")
        #expect(try ExternalSQLite.value(path, "SELECT COUNT(*) FROM pragma_foreign_key_list('steps')") == "0")
        #expect(try ExternalSQLite.value(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'steps_waiting'") == "1")
        #expect(try ExternalSQLite.value(path, "SELECT COUNT(*) FROM pragma_foreign_key_check") == "0")
        #expect(try ExternalSQLite.value(path, "PRAGMA integrity_check") == "ok")
    }

    @Test func aStepWrittenNowStoresOnlyTheAttemptsItsRowDoesNotImply() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("c.sqlite")
        let store = try SQLiteStore(path: path)
        defer { store.close() }
        let at = Date(millis: 5_000)
        let instance = InstanceRecord(rowID: 1, workflow: "w", id: "a", status: .running, params: Data("{}".utf8), trigger: "api",
                                      createdAt: at, updatedAt: at)
        var plain = StepRecord(instance: 1, key: StepKey(kind: .do, name: "plain", count: 1), seq: 1, status: .running, startedAt: at)
        _ = plain.beginAttempt(at: at)
        var retried = StepRecord(instance: 1, key: StepKey(kind: .do, name: "retried", count: 1), seq: 2, status: .running, startedAt: at)
        _ = retried.beginAttempt(at: at)
        retried.endAttempt(at: Date(millis: 5_010), error: ErrorInfo(name: "E", message: "m"))
        _ = retried.beginAttempt(at: Date(millis: 6_000))
        _ = try await store.perform(.batch(StoreBatch(instance: 1, epoch: nil, ops: [.insertInstance(instance), .putStep(plain), .putStep(retried)])))
        plain.status = .succeeded
        plain.endedAt = Date(millis: 5_004)
        plain.endAttempt(at: Date(millis: 5_004), error: nil)
        _ = try await store.perform(.batch(StoreBatch(instance: 1, epoch: nil, ops: [.putStep(plain)])))

        #expect(try ExternalSQLite.value(path, "SELECT attempt_log IS NULL FROM steps WHERE name = 'plain'") == "1")
        #expect(try ExternalSQLite.value(path, "SELECT json_array_length(attempt_log) FROM steps WHERE name = 'retried'") == "2")
        let history = try #require(try store.history(workflow: "w", id: "a"))
        #expect(history.attempts.filter { $0.name == "plain" } == plain.attemptLog)
        #expect(history.attempts.filter { $0.name == "retried" } == retried.attemptLog)
    }

    @Test func aDamagedLogReadsAsNoAttemptsRatherThanFailingTheRead() {
        let step = StepRecord(instance: 1, key: StepKey(kind: .do, name: "s", count: 1), seq: 1, status: .retrying, attempts: 2,
                              startedAt: Date(millis: 1_000))
        for text in ["", "[", "{}", "[1, 2]", "[{\"attempt\": \"x\"}]", "null", "[{\"started_at\": 5}]"] {
            #expect(AttemptLogCoding.decode(text, step: step).isEmpty, "\(text)")
        }
        // Entries missing optional fields still read.
        let partial = AttemptLogCoding.decode("[{\"attempt\": 2, \"started_at\": 7}, {\"attempt\": 1, \"started_at\": 5}]", step: step)
        #expect(partial.map(\.attempt) == [1, 2])
    }
}
