import Foundation
import Synchronization

/// Counts refused deliveries per remote address in a sliding minute; past the burst, further
/// requests from that address get 429 before any work is done.
final class FailureLimiter: Sendable {
    private let burst: Int
    private let state = Mutex<[String: [Date]]>([:])

    init(burstPerMinute: Int) {
        burst = max(1, burstPerMinute)
    }

    /// Whether `address` has used up its failures at `now`.
    func isLimited(_ address: String, now: Date) -> Bool {
        state.withLock { failures in
            let recent = (failures[address] ?? []).filter { now.timeIntervalSince($0) < 60 }
            failures[address] = recent.isEmpty ? nil : recent
            return recent.count >= burst
        }
    }

    /// Records a refused delivery from `address`.
    func fail(_ address: String, now: Date) {
        state.withLock { failures in
            var recent = (failures[address] ?? []).filter { now.timeIntervalSince($0) < 60 }
            recent.append(now)
            failures[address] = Array(recent.suffix(burst))
            // Keep the table small under a flood of distinct addresses.
            if failures.count > 10_000 {
                failures = failures.filter { now.timeIntervalSince($0.value.last ?? .distantPast) < 60 }
            }
        }
    }
}
