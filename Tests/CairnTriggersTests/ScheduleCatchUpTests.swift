import Cairn
import CairnTesting
@testable import CairnTriggers
import Foundation
import Testing

/// After a simulated 3-hour downtime (the service stops, the clock moves, a new service
/// starts on the same file), each catch-up policy fires what it promises and records every
/// other tick as missed with its reason.
@Suite struct ScheduleCatchUpTests {
    /// Starts a service at 12:10, stops it, moves the clock to `restart`, starts again and
    /// returns the ledger and the instances once it sleeps until `nextWake`.
    private func downtime(_ schedule: ScheduleDefinition, restart: String, nextWake: String) async throws -> (ticks: [TickRecord], instances: [String]) {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock(now: utc("2026-11-25T12:10:00Z"))
        let path = directory.file("cairn.sqlite")
        try await ScheduleHarness.run([schedule], databasePath: path, clock: clock) { _ in }
        clock.advance(to: utc(restart))
        return try await ScheduleHarness.run([schedule], databasePath: path, clock: clock) { harness in
            try await harness.clock.waitForSleeper { $0 == utc(nextWake) }
            return (try harness.ticks(schedule.name), try harness.cronInstances().map(\.id))
        }
    }

    @Test func latestFiresOnlyTheLatestMissedTickInsideItsWindow() async throws {
        let (ticks, instances) = try await downtime(try .make("hourly", "0 * * * *"), restart: "2026-11-25T15:20:00Z", nextWake: "2026-11-25T16:00:00Z")
        #expect(ticks.map(\.tick) == [utc("2026-11-25T13:00:00Z"), utc("2026-11-25T14:00:00Z"), utc("2026-11-25T15:00:00Z")])
        #expect(ticks.map(\.outcome) == [.missed, .missed, .fired])
        #expect(ticks.prefix(2).allSatisfy { $0.reason?.hasPrefix("catch_up_latest:") == true })
        #expect(instances == ["cron-hourly-20261125T1500Z"])
    }

    @Test func latestMissesTheLatestTickOutsideItsWindow() async throws {
        let schedule = try ScheduleDefinition.make("hourly", "0 * * * *", catchUp: .latest(window: .seconds(600)))
        let (ticks, instances) = try await downtime(schedule, restart: "2026-11-25T15:20:00Z", nextWake: "2026-11-25T16:00:00Z")
        #expect(ticks.map(\.outcome) == [.missed, .missed, .missed])
        #expect(ticks.last?.reason?.hasPrefix("catch_up_window: 1200s late") == true)
        #expect(instances.isEmpty)
    }

    @Test func latestDefaultWindowIsOnePeriod() async throws {
        // Every 15 minutes: the window is 15 minutes, so 15:00 is still caught up at 15:14.
        let (ticks, instances) = try await downtime(try .make("quarter", "*/15 * * * *"), restart: "2026-11-25T15:14:00Z", nextWake: "2026-11-25T15:15:00Z")
        #expect(ticks.count == 12)     // 12:15 … 15:00
        #expect(ticks.filter { $0.outcome == .fired }.map(\.tick) == [utc("2026-11-25T15:00:00Z")])
        #expect(instances == ["cron-quarter-20261125T1500Z"])
    }

    @Test func allFiresTheNewestTicksUpToItsCapInOrder() async throws {
        let schedule = try ScheduleDefinition.make("quarter", "*/15 * * * *", catchUp: .all(max: 5))
        let (ticks, instances) = try await downtime(schedule, restart: "2026-11-25T15:10:00Z", nextWake: "2026-11-25T15:15:00Z")
        // 12:15 … 15:00 is 12 ticks; the newest five fire, the seven older are missed.
        #expect(ticks.count == 12)
        #expect(ticks.prefix(7).allSatisfy { $0.outcome == .missed && $0.reason?.hasPrefix("catch_up_cap:") == true })
        #expect(ticks.suffix(5).allSatisfy { $0.outcome == .fired })
        #expect(instances == ["1400", "1415", "1430", "1445", "1500"].map { "cron-quarter-20261125T\($0)Z" })
    }

    @Test func noneFiresNothingMissedEvenARecentTickButTheNextOneOnTime() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock(now: utc("2026-11-25T12:10:00Z"))
        let path = directory.file("cairn.sqlite")
        let schedule = try ScheduleDefinition.make("hourly", "0 * * * *", catchUp: .none)
        try await ScheduleHarness.run([schedule], databasePath: path, clock: clock) { _ in }
        clock.advance(to: utc("2026-11-25T15:00:30Z"))
        try await ScheduleHarness.run([schedule], databasePath: path, clock: clock) { harness in
            try await harness.clock.waitForSleeper { $0 == utc("2026-11-25T16:00:00Z") }
            // 15:00 was due 30 s ago, but while Cairn was down: missed like 13:00 and 14:00.
            #expect(try harness.ticks("hourly").map(\.outcome) == [.missed, .missed, .missed])
            #expect(try harness.ticks("hourly").first?.reason?.hasPrefix("catch_up_none:") == true)
            try await harness.advance(to: utc("2026-11-25T16:00:00Z"), thenSleepsUntil: utc("2026-11-25T17:00:00Z"))
            #expect(try harness.cronInstances().map(\.id) == ["cron-hourly-20261125T1600Z"])
        }
    }

    @Test func aLongDowntimeIsSummarisedInsteadOfListedTickByTick() async throws {
        let schedule = try ScheduleDefinition.make("minutely", "* * * * *", catchUp: .none)
        // Three days of minutes: 4,320 missed ticks, the newest 999 listed after one summary row.
        let (ticks, instances) = try await downtime(schedule, restart: "2026-11-28T12:10:30Z", nextWake: "2026-11-28T12:11:00Z")
        #expect(instances.isEmpty)
        #expect(ticks.count == 1_000)      // the ledger keeps 1,000 rows per schedule
        #expect(ticks.last?.tick == utc("2026-11-28T12:10:00Z"))
        #expect(ticks.first?.tick == utc("2026-11-25T12:11:00Z"))
        #expect(ticks.first?.reason?.hasPrefix("not_listed: 3321 ticks from here on missed") == true)
        #expect(ticks.dropFirst().allSatisfy { $0.outcome == .missed && $0.reason?.hasPrefix("catch_up_none:") == true })
    }
}

/// Jitter spreads catch-up runs after a boot the same way it spreads on-time ticks.
@Suite struct ScheduleJitterCatchUpTests {
    @Test func lateCatchUpTicksWaitTheirJitterAfterTheBoot() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock(now: utc("2026-11-25T12:10:00Z"))
        let path = directory.file("cairn.sqlite")
        let schedule = try ScheduleDefinition.make("spread", "0 * * * *", catchUp: .all(max: 5), jitter: .seconds(1800))
        try await ScheduleHarness.run([schedule], databasePath: path, clock: clock) { _ in }
        let boot = utc("2026-11-25T16:50:00Z")
        clock.advance(to: boot)
        // Each missed tick's jitter offset, as the on-time tick would have had it.
        let ticks = ["13", "14", "15", "16"].map { utc("2026-11-25T\($0):00:00Z") }
        let offsets = ticks.map { TickPlanner(definition: schedule).fireAt($0).timeIntervalSince($0) }
        try await ScheduleHarness.run([schedule], databasePath: path, clock: clock) { harness in
            #expect(try harness.cronInstances().isEmpty, "nothing fires at the boot itself")
            // In tick order, each no earlier than its own offset after the boot.
            var due = boot
            for (tick, offset) in zip(ticks, offsets) {
                let previous = due
                due = max(due, boot.addingTimeInterval(offset))
                let target = due
                if target > previous {      // a tick whose offset has passed fires with the one before
                    try await harness.clock.waitForSleeper { abs($0.timeIntervalSince(target)) < 0.01 }
                    harness.clock.advance(to: target)
                }
                let id = "cron-spread-\(ScheduleDefinition.tickStamp(tick))"
                _ = try await Poll.value("\(id) at boot + \(Int(offset)) s") { try? harness.engine.instance("recorder", id: id) }
            }
        }
    }
}
