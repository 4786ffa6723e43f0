import Cairn
import Foundation
internal import GRDB

extension InstanceRecord {
    /// The condition of the partial index `instances_live` (migration v6), word for word: a
    /// query that repeats it can use the index (SQLite matches the terms as written).
    static let live = "status <> 'complete' AND status <> 'errored' AND status <> 'terminated'"

    static let columns = "rowid, workflow, id, status, epoch, params, output, error_name, error_message, trigger, created_at, started_at, ended_at, updated_at, paused_at, waiting_for, wake_at, event_time"

    init(row: Row) {
        let errorName: String? = row["error_name"]
        let errorMessage: String? = row["error_message"]
        self.init(
            rowID: row["rowid"],
            workflow: row["workflow"],
            id: row["id"],
            status: InstanceStatus(rawValue: row["status"]) ?? .unknown,
            epoch: row["epoch"],
            params: row["params"],
            output: row["output"],
            error: errorName.map { ErrorInfo(name: $0, message: errorMessage ?? "") },
            trigger: row["trigger"],
            createdAt: Date(millis: row["created_at"]),
            startedAt: (row["started_at"] as Int64?).date,
            endedAt: (row["ended_at"] as Int64?).date,
            updatedAt: Date(millis: row["updated_at"]),
            pausedAt: (row["paused_at"] as Int64?).date,
            waitingFor: (row["waiting_for"] as String?).flatMap(WaitReason.init(rawValue:)),
            wakeAt: (row["wake_at"] as Int64?).date,
            eventTime: (row["event_time"] as Int64?).date
        )
    }
}

extension StepRecord {
    static let columns = "instance, kind, name, count, seq, status, attempts, config, output, error_name, error_message, started_at, ended_at, wake_at, event_type, attempt_log"

    init(row: Row) {
        let errorName: String? = row["error_name"]
        let errorMessage: String? = row["error_message"]
        let configText: String? = row["config"]
        self.init(
            instance: row["instance"],
            key: StepKey(kind: StepKind(rawValue: row["kind"]) ?? .do, name: row["name"], count: row["count"]),
            seq: row["seq"],
            status: StepStatus(rawValue: row["status"]) ?? .running,
            attempts: row["attempts"],
            config: configText.flatMap(ConfigCoding.decode),
            output: row["output"],
            error: errorName.map { ErrorInfo(name: $0, message: errorMessage ?? "") },
            startedAt: Date(millis: row["started_at"]),
            endedAt: (row["ended_at"] as Int64?).date,
            wakeAt: (row["wake_at"] as Int64?).date,
            eventType: row["event_type"]
        )
        attemptLog = AttemptLogCoding.decode(row["attempt_log"], step: self)
    }
}
