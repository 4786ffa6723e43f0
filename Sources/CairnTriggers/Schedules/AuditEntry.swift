import Foundation

/// One change to a schedule's configuration as the ledger saw it at start-up.
public struct AuditEntry: Sendable, Hashable {
    /// When it was noticed (the engine clock at start-up, or at the API call).
    public var at: Date
    /// `added`, `changed`, `orphaned`, `readopted`, `paused`, `resumed`, `triggered`, `backfilled`.
    public var event: String
    /// What changed, e.g. `0 * * * * (UTC) → 30 * * * * (Europe/Berlin); ticks restart after …`.
    public var detail: String
}
