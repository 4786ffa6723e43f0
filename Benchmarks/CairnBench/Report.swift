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
    /// Workload ("W1") → the largest share of the machine's CPU other processes used while it ran.
    private(set) var foreignCPU: [String: Double] = [:]
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

    /// A ratio measured once or several times: the target applies to the median; with more
    /// than one run the spread (lowest, highest) is a row of its own and every value a note.
    func ratio(_ workload: String, _ metric: String, _ values: [Double], atLeast: Double) {
        guard !values.isEmpty else { return }
        let sorted = values.sorted()
        let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        guard values.count > 1 else { return add(workload, metric, median, "ratio", atLeast: atLeast) }
        add(workload, "\(metric), median of \(values.count)", median, "ratio", atLeast: atLeast)
        add(workload, "\(metric), spread (highest − lowest)", sorted[sorted.count - 1] - sorted[0], "ratio")
        note(workload, "\(metric) runs", values)
    }

    func check(_ workload: String, _ metric: String, _ ok: Bool, _ detail: String) {
        rows.append(Row(workload: workload, metric: metric, value: ok ? 1 : 0, unit: detail, target: "true", pass: ok))
    }

    /// Records how busy the rest of the machine was during a run of `workload` (the key
    /// every row of it starts with, e.g. "W1"); the largest of several runs is kept.
    func host(_ workload: String, foreign share: Double) {
        foreignCPU[workload] = max(foreignCPU[workload] ?? 0, share)
    }

    /// The key of the workload a row belongs to: "W5 ingest" and "W5-limit" are "W5".
    static func key(_ workload: String) -> String {
        String(workload.prefix { $0 != " " && $0 != "-" })
    }

    /// The workloads that ran with more than the threshold of foreign CPU.
    var noisy: [String] { foreignCPU.filter { $0.value > HostNoise.threshold }.keys.sorted() }

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
        let header = ["workload", "metric", "value", "unit", "target", "ok", "others' CPU"]
        var table = [header]
        for row in rows {
            let foreign = foreignCPU[Self.key(row.workload)].map { share in
                String(format: "%.0f %%", share * 100) + (share > HostNoise.threshold ? " NOISY" : "")
            }
            table.append([row.workload, row.metric, Self.format(row.value), row.unit, row.target ?? "",
                          row.pass.map { $0 ? "yes" : "NO" } ?? "", foreign ?? ""])
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
        for workload in results.keys {
            if let share = foreignCPU[Self.key(workload)] { results[workload]?["host"] = ["foreign_cpu": share, "noisy": share > HostNoise.threshold] }
        }
        return ["environment": environment, "results": results, "noisy_workloads": noisy,
                "all_targets_met": rows.allSatisfy { $0.pass ?? true }]
    }

    func jsonText() -> String {
        let data = (try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
