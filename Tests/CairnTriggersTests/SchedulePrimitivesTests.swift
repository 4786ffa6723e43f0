@testable import CairnTriggers
import CairnTesting
import Foundation
import Synchronization
import Testing

/// The loop's doorbell, the per-schedule lock, and parser corners found in review.
@Suite struct SchedulePrimitivesTests {
    @Test func aRingBeforeTheWaitIsRememberedAndARingWakesTheWaiter() async throws {
        let bell = Doorbell()
        bell.ring()
        try await within(.seconds(5), "a wait after a ring") { await bell.wait() }
        try await within(.seconds(5), "a wait woken by a later ring") {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await bell.wait() }
                // The ring may come before or after the wait starts: either way it wakes it.
                group.addTask { bell.ring() }
            }
        }
    }

    @Test func aCancelledWaitReturns() async throws {
        let bell = Doorbell()
        // Cancelled whether or not the wait has started yet: either way it returns.
        let task = Task { await bell.wait() }
        task.cancel()
        try await within(.seconds(5), "the cancelled wait") { await task.value }
    }

    final class Gauge: Sendable {
        let inside = Mutex((current: 0, most: 0))
        let other = Mutex(false)
    }

    @Test func theLockRunsOneBodyPerKeyAtATimeAndKeysInParallel() async throws {
        let lock = KeyedLock()
        let gauge = Gauge()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    await lock.run("a") {
                        gauge.inside.withLock { $0.current += 1; $0.most = max($0.most, $0.current) }
                        try? await Task.sleep(for: .milliseconds(2))
                        gauge.inside.withLock { $0.current -= 1 }
                    }
                }
            }
            group.addTask {
                await lock.run("b") { gauge.other.withLock { $0 = true } }
            }
        }
        #expect(gauge.inside.withLock { $0.most } == 1)
        #expect(gauge.other.withLock { $0 })
    }

    static let wrapping: [(String, [String])] = [
        // 2026-11-27 is a Friday: FRI-MON is Fri, Sat, Sun, Mon; every second one is Fri, Sun.
        ("0 0 * * FRI-MON/2", ["2026-11-27T00:00:00Z", "2026-11-29T00:00:00Z", "2026-12-04T00:00:00Z"]),
        // SAT-TUE is Sat, Sun, Mon, Tue: every second one is Sat, Mon.
        ("0 0 * * SAT-TUE/2", ["2026-11-28T00:00:00Z", "2026-11-30T00:00:00Z", "2026-12-05T00:00:00Z"]),
        // 7-2 wraps from Sunday (7) to Tuesday: Sun, Mon, Tue, each once.
        ("0 0 * * 7-2/1", ["2026-11-29T00:00:00Z", "2026-11-30T00:00:00Z", "2026-12-01T00:00:00Z", "2026-12-06T00:00:00Z"]),
    ]

    @Test(arguments: wrapping)
    func wrappingDayOfWeekRangesCountSundayOnce(expression: String, expected: [String]) throws {
        let fires = try CronExpression(expression).fires(after: utc("2026-11-26T12:00:00Z"), in: .gmt, count: expected.count)
        #expect(fires.map { ISO8601DateFormatter().string(from: $0.date) } == expected)
    }
}
