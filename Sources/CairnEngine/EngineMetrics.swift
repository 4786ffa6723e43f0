import Metrics

/// The engine's counters and histograms, made once through swift-metrics (a no-op until the
/// process bootstraps a backend, as `cairn serve` does with Prometheus).
struct EngineMetrics: Sendable {
    let attemptsSucceeded = Counter(label: "cairn_step_attempts_total", dimensions: [("outcome", "success")])
    let attemptsFailed = Counter(label: "cairn_step_attempts_total", dimensions: [("outcome", "failure")])
    let stepsSucceeded = Counter(label: "cairn_steps_total", dimensions: [("outcome", "succeeded")])
    let stepsFailed = Counter(label: "cairn_steps_total", dimensions: [("outcome", "failed")])
    let stepDuration = Metrics.Timer(label: "cairn_step_duration_seconds", preferredDisplayUnit: .seconds)
    let instancesCreated = Counter(label: "cairn_instances_created_total")
    let instancesComplete = Counter(label: "cairn_instances_finished_total", dimensions: [("status", "complete")])
    let instancesErrored = Counter(label: "cairn_instances_finished_total", dimensions: [("status", "errored")])
    let eventsSent = Counter(label: "cairn_events_sent_total")
}
