internal import GRDB

/// The numbered migrations. Never edit a shipped migration: add a new one.
enum Schema {
    /// Cairn's migrations, then each feature's, in the order given.
    static func migrator(features: [StoreMigration]) throws -> DatabaseMigrator {
        var migrator = core
        var seen = Set(migrator.migrations)
        for feature in features {
            guard feature.identifier.contains("/"), seen.insert(feature.identifier).inserted else {
                throw StoreError(.cannotOpen, "The feature migration '\(feature.identifier)' is registered twice or is not namespaced; give each feature migration a unique 'feature/number-name' identifier.")
            }
            let sql = feature.sql
            migrator.registerMigration(feature.identifier) { db in try db.execute(sql: sql) }
        }
        return migrator
    }

    private static var core: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-instances-steps-attempts-timers-events") { db in
            try db.execute(sql: """
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
                    wake_at INTEGER,
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
                """)
        }
        migrator.registerMigration("v2-health") { db in
            // One row that `/readyz` rewrites: readiness must prove a write can commit (a
            // full disk or a read-only file fails here), which an empty transaction does not.
            try db.execute(sql: """
                CREATE TABLE health (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    checked_at INTEGER NOT NULL
                ) STRICT;
                """)
        }
        migrator.registerMigration("v3-event-time") { db in
            // A cron tick's instance sees its scheduled time as `event.timestamp`, while
            // `created_at` stays the commit time (so lateness is measurable).
            try db.execute(sql: "ALTER TABLE instances ADD COLUMN event_time INTEGER")
        }
        migrator.registerMigration("v4-instance-counts") { db in
            // Counts per workflow and status kept in the same transactions as the rows they
            // count (by triggers, so every path that writes `instances` keeps them), so that
            // `/metrics` and `GET /workflows` read a handful of rows instead of scanning
            // every instance. Rows that reach 0 stay (a workflow's statuses are few).
            try db.execute(sql: """
                CREATE TABLE instance_counts (
                    workflow TEXT NOT NULL,
                    status TEXT NOT NULL,
                    n INTEGER NOT NULL,
                    PRIMARY KEY (workflow, status)
                ) STRICT, WITHOUT ROWID;
                INSERT INTO instance_counts (workflow, status, n) SELECT workflow, status, COUNT(*) FROM instances GROUP BY workflow, status;
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
                """)
        }
        migrator.registerMigration("v5-steps-attempt-log") { db in
            // A step commit wrote two rows in two B-trees (the step, its attempt) and looked
            // its instance up twice for the foreign key. Each step's attempts now live in its
            // own row (`attempt_log`, NULL when it is the single attempt the row implies) and
            // `steps` has no foreign key: the engine writes steps only for instances it holds
            // and the purge and restart delete them explicitly. The table is rebuilt because
            // SQLite cannot drop a foreign key in place.
            try db.execute(sql: """
                CREATE TABLE steps_v5 (
                    instance INTEGER NOT NULL,
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
                    attempt_log TEXT,
                    PRIMARY KEY (instance, kind, name, count)
                ) STRICT, WITHOUT ROWID;
                INSERT INTO steps_v5 (instance, kind, name, count, seq, status, attempts, config, output, error_name, error_message,
                                      started_at, ended_at, wake_at, event_type, attempt_log)
                SELECT s.instance, s.kind, s.name, s.count, s.seq, s.status, s.attempts, s.config, s.output, s.error_name, s.error_message,
                       s.started_at, s.ended_at, s.wake_at, s.event_type,
                       CASE WHEN s.kind = 'do' THEN NULLIF((
                           SELECT json_group_array(json_object('attempt', a.attempt, 'started_at', a.started_at, 'ended_at', a.ended_at,
                                                               'success', a.success, 'error_name', a.error_name, 'error_message', a.error_message))
                           FROM (SELECT * FROM attempts a WHERE a.instance = s.instance AND a.name = s.name AND a.count = s.count ORDER BY a.attempt) a
                       ), '[]') END
                FROM steps s;
                DROP TABLE steps;
                DROP TABLE attempts;
                ALTER TABLE steps_v5 RENAME TO steps;
                CREATE INDEX steps_waiting ON steps (instance, event_type, seq) WHERE status = 'waiting';
                """)
        }
        migrator.registerMigration("v6-live-index") { db in
            // `status NOT IN (…)` in a partial index's WHERE is evaluated with an ephemeral
            // table, built and freed for the old and the new row of every status change and
            // for every insert (EXPLAIN: OpenEphemeral); a chain of `<>` is plain comparisons.
            // The recovery and orphan queries repeat these three terms (`InstanceRecord.live`)
            // so the planner can use the index instead of scanning every finished instance.
            try db.execute(sql: """
                DROP INDEX instances_unfinished;
                CREATE INDEX instances_live ON instances (status)
                    WHERE status <> 'complete' AND status <> 'errored' AND status <> 'terminated';
                """)
        }
        return migrator
    }
}
