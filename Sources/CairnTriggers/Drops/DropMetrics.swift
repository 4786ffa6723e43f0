import Metrics

/// Counters of files per drop and outcome, through swift-metrics (Prometheus in `cairn serve`).
struct DropMetrics: Sendable {
    func count(_ drop: String, _ outcome: String, reason: String? = nil, by amount: Int = 1) {
        var dimensions = [("drop", drop), ("outcome", outcome)]
        if let reason { dimensions.append(("reason", reason)) }
        Counter(label: "cairn_drop_files_total", dimensions: dimensions).increment(by: amount)
    }
}
