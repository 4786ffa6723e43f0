import Foundation
import Synchronization

/// Counts refused deliveries per remote address in a sliding minute; past the burst, the
/// address's further *refused* deliveries get 429 (the check runs after verification failed,
/// so a verified delivery always gets through).
///
/// Memory and time stay bounded under a flood of distinct addresses: IPv6 addresses count
/// per /64 (one host usually owns the whole prefix), the table holds at most
/// ``maxAddresses``, pruned at most once a second, and when it is still full a new address
/// is not recorded (it is then never limited, but costs nothing).
final class FailureLimiter: Sendable {
    static let maxAddresses = 10_000

    private struct State {
        var failures: [String: [Date]] = [:]
        var lastPrune = Date.distantPast
    }

    private let burst: Int
    private let state = Mutex(State())

    init(burstPerMinute: Int) {
        burst = max(1, burstPerMinute)
    }

    /// Whether `address` has used up its failures at `now`.
    func isLimited(_ address: String, now: Date) -> Bool {
        let key = Self.key(address)
        return state.withLock { state in
            guard let stamps = state.failures[key] else { return false }
            return stamps.count { now.timeIntervalSince($0) < 60 } >= burst
        }
    }

    /// Records a refused delivery from `address`.
    func fail(_ address: String, now: Date) {
        let key = Self.key(address)
        state.withLock { state in
            if state.failures[key] == nil, state.failures.count >= Self.maxAddresses {
                if now.timeIntervalSince(state.lastPrune) >= 1 {
                    state.lastPrune = now
                    state.failures = state.failures.filter { now.timeIntervalSince($0.value.last ?? .distantPast) < 60 }
                }
                guard state.failures.count < Self.maxAddresses else { return }
            }
            var recent = (state.failures[key] ?? []).filter { now.timeIntervalSince($0) < 60 }
            recent.append(now)
            state.failures[key] = Array(recent.suffix(burst))
        }
    }

    /// The address itself, or for IPv6 its first four groups (the /64).
    static func key(_ address: String) -> String {
        guard address.contains(":") else { return address }
        var groups = address.split(separator: ":", omittingEmptySubsequences: false)
        if let double = groups.firstIndex(of: ""), address.contains("::") {
            // Expand "::" so the first four groups are the real ones.
            let missing = 8 - (groups.count - 1)
            groups.replaceSubrange(double...double, with: Array(repeating: "0", count: max(1, missing)))
        }
        return groups.prefix(4).joined(separator: ":") + "::/64"
    }
}
