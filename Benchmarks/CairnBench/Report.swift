import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The benchmark's findings: one row per metric (printed as a table) and one JSON object.
final class Report: @unchecked Sendable {
    // @unchecked: rows are appended from the single benchmark task only, one workload at a time.
    struct Row {
        var workload: String
        var metric: String
        var value: Double
        var unit: String
        /// e.g. ">= 0.70" or "<= 5"; nil when the metric has no target.
        var target: String?
        var pass: Bool?
    }

    private(set) var rows: [Row] = []
    private(set) var notes: [String: [String: Any]] = [:]
    let environment: [String: Any]

    init(quick: Bool) {
        var info = utsname()
        _ = withUnsafeMutablePointer(to: &info) { Glibc.uname($0) }
        let release = withUnsafeBytes(of: info.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        environment = [
            "cores": ProcessInfo.processInfo.activeProcessorCount,
            "kernel": release,
            "quick": quick,
            "date": Date().formatted(Date.ISO8601FormatStyle()),
            "durability": "WAL, synchronous=\(EngineHarness.synchronous.rawValue)",
        ]
    }

    func add(_ workload: String, _ metric: String, _ value: Double, _ unit: String, atLeast: Double? = nil, atMost: Double? = nil) {
        var row = Row(workload: workload, metric: metric, value: value, unit: unit)
        if let atLeast {
            row.target = ">= \(Self.format(atLeast))"
            row.pass = value >= atLeast
        } else if let atMost {
            row.target = "<= \(Self.format(atMost))"
            row.pass = value <= atMost
        }
        rows.append(row)
    }

    func check(_ workload: String, _ metric: String, _ ok: Bool, _ detail: String) {
        rows.append(Row(workload: workload, metric: metric, value: ok ? 1 : 0, unit: detail, target: "true", pass: ok))
    }

    func note(_ workload: String, _ key: String, _ value: Any) {
        notes[workload, default: [:]][key] = value
    }

    static func format(_ value: Double) -> String {
        if value.isNaN { return "-" }
        if abs(value) >= 1000 { return String(format: "%.0f", value) }
        if abs(value) >= 10 { return String(format: "%.1f", value) }
        return String(format: "%.2f", value)
    }

    func printTable() {
        let header = ["workload", "metric", "value", "unit", "target", "ok"]
        var table = [header]
        for row in rows {
            table.append([row.workload, row.metric, Self.format(row.value), row.unit, row.target ?? "",
                          row.pass.map { $0 ? "yes" : "NO" } ?? ""])
        }
        var widths = [Int](repeating: 0, count: header.count)
        for line in table { for (index, cell) in line.enumerated() { widths[index] = max(widths[index], cell.count) } }
        for line in table {
            print(line.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  "))
        }
    }

    var json: [String: Any] {
        var results: [String: [String: Any]] = [:]
        for row in rows {
            var entry: [String: Any] = ["value": row.value.isNaN ? NSNull() : row.value, "unit": row.unit]
            if let target = row.target { entry["target"] = target }
            if let pass = row.pass { entry["pass"] = pass }
            results[row.workload, default: [:]][row.metric] = entry
        }
        for (workload, extra) in notes { results[workload, default: [:]]["notes"] = extra }
        return ["environment": environment, "results": results,
                "all_targets_met": rows.allSatisfy { $0.pass ?? true }]
    }

    func jsonText() -> String {
        let data = (try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
