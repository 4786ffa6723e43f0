import Cairn
import Foundation
internal import GRDB

/// pause / resume / terminate / restart / fail, each one transaction.
extension SQLiteStore {
    static func control(_ request: ControlRequest, _ db: Database) throws -> ControlOutcome {
        let instance = request.instance
        let at = request.at.millis
        guard let row = try Row.fetchOne(db, sql: "SELECT id, workflow, status, paused_at FROM instances WHERE rowid = ?", arguments: [instance]) else {
            throw StoreError(.instanceNotFound, "The instance no longer exists (it may have been purged).")
        }
        let status = InstanceStatus(rawValue: row["status"]) ?? .unknown
        let id: String = row["id"]
        let workflow: String = row["workflow"]
        func unchanged() -> ControlOutcome { ControlOutcome(status: status, shouldRun: false, changed: false) }
        func refuse(_ verb: String) -> StoreError {
            StoreError(.invalidTransition, "Cannot \(verb) instance '\(id)' of workflow '\(workflow)': it is already \(status.rawValue). Use restart to run it again.")
        }

        switch request.action {
        case .requestPause:
            if status.isFinished { throw refuse("pause") }
            guard [.queued, .running, .waiting].contains(status) else { return unchanged() }
            try db.execute(sql: "UPDATE instances SET status = 'waitingForPause', updated_at = ? WHERE rowid = ?", arguments: [at, instance])
            return ControlOutcome(status: .waitingForPause, shouldRun: false, changed: true)

        case .pause:
            if status.isFinished { throw refuse("pause") }
            guard status != .paused else { return unchanged() }
            try db.execute(sql: """
                UPDATE instances SET status = 'paused', paused_at = ?, updated_at = ?, waiting_for = NULL, wake_at = NULL WHERE rowid = ?
                """, arguments: [at, at, instance])
            try db.execute(sql: "DELETE FROM timers WHERE instance = ?", arguments: [instance])
            return ControlOutcome(status: .paused, shouldRun: false, changed: true)

        case .resume:
            switch status {
            case .paused:
                let pausedAt: Int64 = row["paused_at"] ?? at
                let shift = max(0, at - pausedAt)
                // Pending timers keep their remaining time: shift them by the time spent paused.
                try db.execute(sql: """
                    UPDATE steps SET wake_at = wake_at + ? WHERE instance = ? AND wake_at IS NOT NULL
                    AND status IN ('retrying', 'sleeping', 'waiting')
                    """, arguments: [shift, instance])
                try db.execute(sql: """
                    UPDATE instances SET status = 'queued', paused_at = NULL, updated_at = ?, waiting_for = NULL, wake_at = NULL WHERE rowid = ?
                    """, arguments: [at, instance])
                return ControlOutcome(status: .queued, shouldRun: true, changed: true)
            case .waitingForPause:
                try db.execute(sql: "UPDATE instances SET status = 'running', updated_at = ? WHERE rowid = ?", arguments: [at, instance])
                return ControlOutcome(status: .running, shouldRun: false, changed: true)
            default:
                return unchanged()
            }

        case .terminate:
            if status.isFinished { throw refuse("terminate") }
            try db.execute(sql: """
                UPDATE instances SET status = 'terminated', epoch = epoch + 1, ended_at = ?, updated_at = ?,
                waiting_for = NULL, wake_at = NULL, paused_at = NULL WHERE rowid = ?
                """, arguments: [at, at, instance])
            try db.execute(sql: "DELETE FROM timers WHERE instance = ?", arguments: [instance])
            return ControlOutcome(status: .terminated, shouldRun: false, changed: true)

        case .fail:
            if status.isFinished { throw refuse("fail") }
            let error = request.error ?? ErrorInfo(name: "Error", message: "Failed from outside its run.")
            try db.execute(sql: """
                UPDATE instances SET status = 'errored', epoch = epoch + 1, ended_at = ?, updated_at = ?, error_name = ?, error_message = ?,
                waiting_for = NULL, wake_at = NULL, paused_at = NULL WHERE rowid = ?
                """, arguments: [at, at, error.name, error.message, instance])
            try db.execute(sql: "DELETE FROM timers WHERE instance = ?", arguments: [instance])
            return ControlOutcome(status: .errored, shouldRun: false, changed: true)

        case .restart:
            for table in ["steps", "events", "timers"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE instance = ?", arguments: [instance])
            }
            try db.execute(sql: """
                UPDATE instances SET status = 'queued', epoch = epoch + 1, output = NULL, error_name = NULL, error_message = NULL,
                started_at = NULL, ended_at = NULL, paused_at = NULL, waiting_for = NULL, wake_at = NULL, updated_at = ? WHERE rowid = ?
                """, arguments: [at, instance])
            return ControlOutcome(status: .queued, shouldRun: true, changed: true)
        }
    }
}
