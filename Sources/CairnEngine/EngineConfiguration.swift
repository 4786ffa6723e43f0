/// Tunables of the engine. Defaults suit an appliance on a small machine.
public struct EngineConfiguration: Sendable {
    /// Instances executing at once; more wait as `queued`. Instances waiting longer than
    /// `suspendAfter` leave memory and do not count; shorter waits keep their slot.
    public var maxConcurrentInstances: Int = 1_000
    /// Waits longer than this leave memory and come back by replay when due.
    public var suspendAfter: Duration = .seconds(10)
    /// Largest JSON result a step (or `run`) may return.
    public var maxOutputBytes: Int = 1 << 20
    /// Largest params or event payload.
    public var maxPayloadBytes: Int = 1 << 20
    /// Finished instances are deleted this long after they end (their IDs become free).
    public var retention: Duration = .seconds(30 * 86_400)
    /// How often the retention purge runs.
    public var purgeInterval: Duration = .seconds(3_600)
    /// How often the engine looks for unfinished instances that have neither a lifetime nor a
    /// timer (after failed writes it looks sooner, with back-off) and restarts them.
    public var sweepInterval: Duration = .seconds(30)
    /// Events buffered for one instance (sent before a wait takes them); more are refused.
    public var maxBufferedEvents: Int = 1_000
    /// Most instances in one `createBatch`.
    public var maxBatchSize: Int = 100

    public init() {}
}
