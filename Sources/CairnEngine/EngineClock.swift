import Cairn
import Foundation

/// The engine's source of time: wall-clock `now` for durable timestamps, and sleeping until a
/// wall-clock instant. Injected so tests drive timers, retries and sleeps with a manual clock.
public protocol EngineClock: Sendable {
    func now() -> Date
    /// Returns at `deadline` (or at once if it has passed); throws `CancellationError` if cancelled.
    func sleep(until deadline: Date) async throws
}

/// The real clock.
public struct SystemClock: EngineClock {
    public init() {}
    public func now() -> Date { Date() }
    public func sleep(until deadline: Date) async throws {
        let seconds = deadline.timeIntervalSinceNow
        guard seconds > 0 else { return }
        // Saturating: a sleepUntil far in the future must sleep "forever", not trap.
        try await Task.sleep(for: .microseconds(Int64(saturating: seconds * 1_000_000)), tolerance: .microseconds(200))
    }
}
