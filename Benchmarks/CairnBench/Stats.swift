import Foundation

/// Percentiles over latency samples (seconds in, milliseconds out).
struct Samples {
    private(set) var values: [Double] = []

    mutating func add(_ seconds: Double) { values.append(seconds) }
    mutating func add(contentsOf other: Samples) { values.append(contentsOf: other.values) }

    var count: Int { values.count }

    /// The p-th percentile (nearest rank) in milliseconds.
    func percentile(_ p: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[Swift.min(Swift.max(rank, 0), sorted.count - 1)] * 1000
    }

    var p50: Double { percentile(50) }
    var p99: Double { percentile(99) }
    var max: Double { (values.max() ?? .nan) * 1000 }
}

/// Wall-clock seconds since an instant.
func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// The process's resident set size in bytes (Linux: VmRSS in /proc/self/status).
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        let digits = line.split(separator: " ").compactMap { Int($0) }
        return (digits.first ?? 0) * 1024
    }
    return 0
}
