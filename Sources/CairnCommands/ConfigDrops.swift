import Cairn
import CairnApp
import CairnTriggers
import Foundation

/// How `cairn config check` shows `[[drops]]` entries, as a table and as JSON.
enum ConfigDrops {
    /// The `drops:` section of the text report.
    static func printTable(_ drops: [DropDefinition]) {
        print("drops:")
        guard !drops.isEmpty else {
            print("  (none)")
            return
        }
        var rows = [["  NAME", "DIRECTORY", "PATTERN", "WORKFLOW", "SETTLE", "SCAN", "KEEP DONE", "KEEP FAILED", "MAX FILE", "DEDUPE"]]
        for drop in drops {
            rows.append(["  " + drop.name, drop.directory, drop.pattern?.source ?? "*", drop.workflow, seconds(drop.settle), seconds(drop.scanInterval),
                         drop.keepDone.map(seconds) ?? "forever", drop.keepFailed.map(seconds) ?? "forever", "\(drop.maxFileBytes) bytes",
                         drop.dedupe == .content ? "content within \(seconds(drop.dedupeWindow))" : "none"])
        }
        Output.table(rows)
    }

    static func json(_ drop: DropDefinition) -> JSONValue {
        func ms(_ duration: Duration?) -> JSONValue {
            guard let duration else { return .null }
            let (whole, fraction) = duration.components
            return .int(whole * 1000 + fraction / 1_000_000_000_000_000)
        }
        return [
            "name": .string(drop.name), "directory": .string(drop.directory), "workflow": .string(drop.workflow),
            "pattern": drop.pattern.map { .string($0.source) } ?? .null, "params": .object(drop.params),
            "settle_ms": ms(drop.settle), "scan_interval_ms": ms(drop.scanInterval), "keep_done_ms": ms(drop.keepDone),
            "keep_failed_ms": ms(drop.keepFailed), "max_file_bytes": .int(drop.maxFileBytes), "batch": .int(Int64(drop.batch)),
            "dedupe": .string(drop.dedupe.rawValue), "dedupe_window_ms": drop.dedupe == .content ? ms(drop.dedupeWindow) : .null,
        ]
    }

    private static func seconds(_ duration: Duration) -> String {
        let total = duration.components.seconds
        if total % 86_400 == 0, total > 0 { return "\(total / 86_400)d" }
        if total % 3600 == 0, total > 0 { return "\(total / 3600)h" }
        if total % 60 == 0, total > 0 { return "\(total / 60)m" }
        return "\(total)s"
    }
}
