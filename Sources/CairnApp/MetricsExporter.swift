import Cairn
import CairnEngine
import Metrics
import Prometheus
import Synchronization

/// Prometheus text for `/metrics`: the engine's counters and step-duration histogram (through
/// swift-metrics), plus gauges read from the database at scrape time: instances by workflow
/// and status, and pending timers.
public final class MetricsExporter: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let statusGauges = Mutex<[String: Prometheus.Gauge]>([:])
    private let timersPending: Prometheus.Gauge
    private let up: Prometheus.Gauge

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        timersPending = registry.makeGauge(descriptor: MetricNameDescriptor(
            namespace: "cairn", metricName: "timers_pending", unitName: "",
            helpText: "Durable timers (sleeps, retry back-offs, event timeouts) not yet fired."))
        up = registry.makeGauge(descriptor: MetricNameDescriptor(
            namespace: "cairn", metricName: "engine_running", unitName: "",
            helpText: "1 while the engine runs, 0 while it starts or drains."))
    }

    /// Makes this registry the process's swift-metrics backend (once per process).
    public func bootstrap() {
        Self.bootstrapped.withLock { done in
            guard !done else { return }
            done = true
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        }
    }

    private static let bootstrapped = Mutex(false)

    /// Refreshes the gauges from the engine's store and renders every metric.
    public func render(engine: Engine) -> String {
        if let counts = try? engine.instanceCounts() {
            for workflow in engine.workflowNames {
                for status in InstanceStatus.allCases where status != .unknown {
                    gauge(workflow: workflow, status: status).set(Double(counts[workflow]?[status] ?? 0))
                }
            }
        }
        if let pending = try? engine.pendingTimerCount() { timersPending.set(Double(pending)) }
        up.set(engine.isRunning ? 1.0 : 0.0)
        return registry.emitToString()
    }

    private func gauge(workflow: String, status: InstanceStatus) -> Prometheus.Gauge {
        statusGauges.withLock { gauges in
            let key = "\(workflow)\u{0}\(status.rawValue)"
            if let existing = gauges[key] { return existing }
            let made = registry.makeGauge(
                descriptor: MetricNameDescriptor(namespace: "cairn", metricName: "instances", unitName: "", helpText: "Instances by workflow and status."),
                labels: [("workflow", workflow), ("status", status.rawValue)])
            gauges[key] = made
            return made
        }
    }
}
