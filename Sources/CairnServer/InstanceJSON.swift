import Cairn
import CairnStore
import Foundation

/// The JSON shapes of instances and steps, after Cloudflare's REST API (snake_case
/// timestamps, step names with their occurrence suffix, attempts per `do` step).
enum InstanceJSON {
    /// A list item: identity, status and timestamps.
    static func summary(_ record: InstanceRecord) -> [String: Any] {
        var object: [String: Any] = [
            "id": record.id,
            "workflow": record.workflow,
            "status": record.status.rawValue,
            "trigger_source": record.trigger,
            "created_on": JSON.timestamp(record.createdAt),
            "modified_on": JSON.timestamp(record.updatedAt),
            "started_on": JSON.date(record.startedAt),
            "ended_on": JSON.date(record.endedAt),
        ]
        if let reason = record.waitingFor { object["waiting_for"] = reason.rawValue }
        if let wake = record.wakeAt { object["wake_at"] = JSON.timestamp(wake) }
        return object
    }

    /// The full view: summary, params, outcome and step history with attempts.
    static func detail(_ history: InstanceHistory) -> [String: Any] {
        let record = history.instance
        var object = summary(record)
        object["params"] = JSON.value(record.params)
        object["output"] = JSON.value(record.output)
        object["error"] = error(record.error)
        object["success"] = record.status.isFinished ? (record.status == .complete) as Any : NSNull()
        object["trigger"] = ["source": record.trigger]
        object["paused_on"] = JSON.date(record.pausedAt)
        var attempts: [String: [AttemptRecord]] = [:]
        for attempt in history.attempts { attempts["\(attempt.name)\u{0}\(attempt.count)", default: []].append(attempt) }
        let steps = history.steps.sorted { $0.seq < $1.seq }.map { step in
            self.step(step, attempts: attempts["\(step.key.name)\u{0}\(step.key.count)"] ?? [])
        }
        object["steps"] = steps
        object["step_count"] = steps.count
        return object
    }

    static func step(_ step: StepRecord, attempts: [AttemptRecord]) -> [String: Any] {
        var object: [String: Any] = [
            "type": step.key.kind == .do ? "step" : step.key.kind.rawValue,
            "name": step.key.displayName,
            "status": step.status.rawValue,
            "start": JSON.timestamp(step.startedAt),
            "end": JSON.date(step.endedAt),
            "output": JSON.value(step.output),
            "error": error(step.error),
        ]
        switch step.key.kind {
        case .do:
            object["success"] = step.status == .succeeded || step.status == .failed ? (step.status == .succeeded) as Any : NSNull()
            object["attempts"] = attempts.sorted { $0.attempt < $1.attempt }.map(self.attempt)
            if let config = step.config, let data = try? JSONEncoder.cairn.encode(config) { object["config"] = JSON.value(data) }
        case .sleep:
            object["finished"] = step.status.isFinished
        case .waitForEvent:
            object["finished"] = step.status.isFinished
            object["event_type"] = step.eventType ?? NSNull()
        }
        object["wake_at"] = JSON.date(step.wakeAt)
        return object
    }

    static func attempt(_ attempt: AttemptRecord) -> [String: Any] {
        [
            "attempt": attempt.attempt,
            "start": JSON.timestamp(attempt.startedAt),
            "end": JSON.date(attempt.endedAt),
            "success": attempt.success ?? NSNull(),
            "error": error(attempt.error),
        ]
    }

    static func error(_ info: ErrorInfo?) -> Any {
        guard let info else { return NSNull() }
        return ["name": info.name, "message": info.message]
    }

    /// An opaque position for the next page of a newest-first listing.
    static func cursor(_ record: InstanceRecord) -> String {
        "\(Int64(saturating: (record.createdAt.timeIntervalSince1970 * 1000).rounded())).\(record.rowID)"
    }

    /// Creation times a cursor may carry: 1970 to the year 9999 in milliseconds.
    static let cursorMillis: ClosedRange<Int64> = 0...253_402_300_799_999

    /// `nil` for anything this server would not have issued (out-of-range numbers included).
    static func parseCursor(_ text: String) -> InstanceCursor? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let millis = Int64(parts[0]), let row = Int64(parts[1]),
              cursorMillis.contains(millis), row >= 0 else { return nil }
        return InstanceCursor(createdAt: Date(timeIntervalSince1970: Double(millis) / 1000), rowID: row)
    }
}
