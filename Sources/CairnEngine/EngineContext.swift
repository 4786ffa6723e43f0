import CairnStore
import Logging
import Synchronization

/// What every lifetime shares: the store, the clock, the settings and the engine's services.
final class EngineContext: Sendable {
    let store: any WorkflowStore
    let clock: any EngineClock
    let configuration: EngineConfiguration
    let logger: Logger
    let timers: TimerService
    let watch: StatusWatch
    let deadlines: DeadlineWatch
    let sweep: OrphanSweep
    let metrics = EngineMetrics()
    let finishObservers = Mutex<[@Sendable (FinishedInstance) -> Void]>([])

    init(store: any WorkflowStore, clock: any EngineClock, configuration: EngineConfiguration, logger: Logger) {
        self.store = store
        self.clock = clock
        self.configuration = configuration
        self.logger = logger
        self.timers = TimerService(store: store, clock: clock, logger: logger)
        self.watch = StatusWatch()
        self.deadlines = DeadlineWatch(clock: clock)
        self.sweep = OrphanSweep(clock: clock, interval: configuration.sweepInterval, logger: logger)
    }

    var suspendAfterMilliseconds: Int64 {
        let (seconds, attoseconds) = configuration.suspendAfter.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
