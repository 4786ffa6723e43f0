import Metrics

/// Tick counters and the lateness of the last fired tick, through swift-metrics (Prometheus
/// in `cairn serve`).
struct ScheduleMetrics: Sendable {
    let fired = Counter(label: "cairn_cron_ticks_total", dimensions: [("outcome", "fired")])
    let failed = Counter(label: "cairn_cron_ticks_total", dimensions: [("outcome", "failed")])
    let buffered = Counter(label: "cairn_cron_ticks_total", dimensions: [("outcome", "buffered")])
    let backfilled = Counter(label: "cairn_cron_ticks_total", dimensions: [("outcome", "backfilled")])
    let lateness = Gauge(label: "cairn_cron_last_tick_lateness_seconds")

    func skipped(_ reason: String, count: Int = 1) {
        Counter(label: "cairn_cron_ticks_total", dimensions: [("outcome", "skipped"), ("reason", reason)]).increment(by: count)
    }

    func missed(_ reason: String, count: Int = 1) {
        Counter(label: "cairn_cron_ticks_total", dimensions: [("outcome", "missed"), ("reason", reason)]).increment(by: count)
    }
}
