import Cairn
import Foundation

/// A step's attempt log as stored in `steps.attempt_log`: a JSON array of
/// `{"attempt", "started_at", "ended_at", "success", "error_name", "error_message"}` objects
/// (times in milliseconds, success 1/0/null; the shape migration v5 built from the old
/// `attempts` table).
///
/// The common case is stored as NULL: a single first attempt that started when the step did
/// and, if it ended, succeeded when the step did. ``decode(_:step:)`` rebuilds exactly that
/// attempt from the step's own columns; anything else is stored in full.
enum AttemptLogCoding {
    static func encode(_ step: StepRecord) -> String? {
        let log = step.attemptLog
        if log.isEmpty || isImplied(log, by: step) { return nil }
        var text = "["
        for (index, attempt) in log.enumerated() {
            if index > 0 { text += "," }
            text += "{\"attempt\":\(attempt.attempt),\"started_at\":\(attempt.startedAt.millis)"
            text += ",\"ended_at\":" + (attempt.endedAt.map { String($0.millis) } ?? "null")
            text += ",\"success\":" + (attempt.success.map { $0 ? "1" : "0" } ?? "null")
            text += ",\"error_name\":" + (attempt.error.map { JSONText.quoted($0.name) } ?? "null")
            text += ",\"error_message\":" + (attempt.error.map { JSONText.quoted($0.message) } ?? "null")
            text += "}"
        }
        return text + "]"
    }

    /// The attempts of `step` (whose other columns are already read) from the stored text.
    static func decode(_ text: String?, step: StepRecord) -> [AttemptRecord] {
        guard let text else { return implied(by: step) }
        guard let array = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] else { return [] }
        let attempts = array.compactMap { entry -> AttemptRecord? in
            guard let number = (entry["attempt"] as? NSNumber)?.intValue,
                  let started = (entry["started_at"] as? NSNumber)?.int64Value else { return nil }
            let name = entry["error_name"] as? String
            return AttemptRecord(
                instance: step.instance, name: step.key.name, count: step.key.count, attempt: number,
                startedAt: Date(millis: started),
                endedAt: (entry["ended_at"] as? NSNumber).map { Date(millis: $0.int64Value) },
                success: (entry["success"] as? NSNumber).map { $0.intValue != 0 },
                error: name.map { ErrorInfo(name: $0, message: entry["error_message"] as? String ?? "") })
        }
        return attempts.sorted { $0.attempt < $1.attempt }
    }

    private static func implied(by step: StepRecord) -> [AttemptRecord] {
        guard step.key.kind == .do, step.attempts == 1 else { return [] }
        var attempt = AttemptRecord(instance: step.instance, name: step.key.name, count: step.key.count, attempt: 1, startedAt: step.startedAt)
        switch step.status {
        case .running:
            break
        case .succeeded:
            attempt.endedAt = step.endedAt
            attempt.success = true
        default:
            return []
        }
        return [attempt]
    }

    private static func isImplied(_ log: [AttemptRecord], by step: StepRecord) -> Bool {
        guard log.count == 1, let only = log.first, step.attempts == 1, only.attempt == 1,
              only.startedAt.millis == step.startedAt.millis else { return false }
        switch step.status {
        case .running:
            return only.endedAt == nil && only.success == nil && only.error == nil
        case .succeeded:
            return only.success == true && only.error == nil && only.endedAt != nil && only.endedAt?.millis == step.endedAt?.millis
        default:
            return false
        }
    }
}
