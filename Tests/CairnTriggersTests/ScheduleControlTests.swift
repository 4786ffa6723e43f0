import Cairn
import CairnEngine
import CairnTesting
import CairnTriggers
import Foundation
import Testing

/// Pause and resume, run-now, backfill, and what a changed config does to the ledger.
@Suite struct ScheduleControlTests {
    private func minute(_ minute: Int) -> Date { utc("2026-11-25T12:\(minute < 10 ? "0" : "")\(minute):00Z") }

    @Test func pausedTicksAreRecordedAsSkippedAndThePauseOutlivesARestart() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock(now: utc("2026-11-25T12:00:30Z"))
        let path = directory.file("cairn.sqlite")
        let schedule = try ScheduleDefinition.make("job", "* * * * *")
        try await ScheduleHarness.run([schedule], databasePath: path, clock: clock) { harness in
            try await harness.clock.waitForSleeper { $0 == minute(1) }
            let status = try await harness.service.setPaused("job", true)
            #expect(status.paused && status.pausedBy == "api" && status.nextTick == nil)
            try await harness.advance(to: minute(1), thenSleepsUntil: minute(2))
        }
        try await ScheduleHarness.run([schedule], databasePath: path, clock: clock) { harness in
            try await harness.clock.waitForSleeper { $0 == minute(2) }
            #expect(try harness.service.describe("job").status.paused)
            try await harness.advance(to: minute(2), thenSleepsUntil: minute(3))
            _ = try await harness.service.setPaused("job", false)
            try await harness.advance(to: minute(3), thenSleepsUntil: minute(4))
            let ticks = try harness.ticks("job")
            #expect(ticks.map(\.outcome) == [.skipped, .skipped, .fired])
            #expect(ticks[0].reason == "paused: the schedule is paused")
            #expect(try harness.cronInstances().map(\.id) == ["cron-job-20261125T1203Z"])
            #expect(try harness.service.describe("job").audit.map(\.event) == ["resumed", "paused", "added"])
        }
    }

    @Test func triggerRunsNowOutsideTheLedger() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock(now: utc("2026-11-25T12:00:30Z"))
        try await ScheduleHarness.run([try .make("job", "0 3 * * *")], databasePath: directory.file("cairn.sqlite"), clock: clock) { harness in
            let first = try await harness.service.trigger("job")
            let second = try await harness.service.trigger("job")
            #expect(first.instance != second.instance)
            #expect(first.instance.hasPrefix("cron-job-now-20261125T120030Z-"))
            let instance = try await harness.engine.waitUntilFinished("recorder", id: first.instance)
            #expect(instance.output?["timestamp"] == "2026-11-25T12:00:30.000Z")
            #expect(try harness.ticks("job").isEmpty)
            #expect(try harness.service.describe("job").audit.first?.event == "triggered")
        }
    }

    @Test func backfillCreatesAPastWindowOnceWithTheTicksOwnIDs() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock(now: utc("2026-11-25T12:00:30Z"))
        let schedule = try ScheduleDefinition.make("job", "0 */6 * * *")
        try await ScheduleHarness.run([schedule], databasePath: directory.file("cairn.sqlite"), clock: clock) { harness in
            let from = utc("2026-11-24T00:00:00Z"), to = utc("2026-11-25T06:00:00Z")
            let preview = try await harness.service.backfill("job", from: from, to: to, dryRun: true)
            #expect(preview.map(\.instance) == ["20261124T0000Z", "20261124T0600Z", "20261124T1200Z", "20261124T1800Z", "20261125T0000Z", "20261125T0600Z"].map { "cron-job-\($0)" })
            #expect(preview.allSatisfy { $0.created })
            #expect(try harness.cronInstances().isEmpty)

            let first = try await harness.service.backfill("job", from: utc("2026-11-24T12:00:00Z"), to: to, dryRun: false)
            #expect(first.map(\.created) == [true, true, true, true])
            // Overlapping the first backfill: only the two older ticks are new.
            let second = try await harness.service.backfill("job", from: from, to: to, dryRun: false)
            #expect(second.map(\.created) == [true, true, false, false, false, false])
            #expect(try harness.cronInstances().count == 6)
            #expect(try harness.ticks("job").allSatisfy { $0.outcome == .fired && $0.source == "backfill" })
            #expect(try harness.service.describe("job").audit.filter { $0.event == "backfilled" }.map(\.detail)
                == ["2026-11-24T00:00:00Z – 2026-11-25T06:00:00Z: 6 ticks, 2 created", "2026-11-24T12:00:00Z – 2026-11-25T06:00:00Z: 4 ticks, 4 created"])
            // Retention deleting the instances does not make their ticks run again: the ledger
            // remembers they fired.
            try await harness.store.transaction { tx in try tx.execute("DELETE FROM instances") }
            let third = try await harness.service.backfill("job", from: from, to: to, dryRun: false)
            #expect(third.allSatisfy { !$0.created })
            #expect(try harness.cronInstances().isEmpty)
            // The window must end in the past.
            await #expect(throws: TriggerError.self) {
                try await harness.service.backfill("job", from: from, to: utc("2026-11-26T00:00:00Z"), dryRun: true)
            }
        }
    }

    @Test func aChangedExpressionRestartsTheMarkAndARemovedScheduleIsOrphaned() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock(now: utc("2026-11-25T12:00:30Z"))
        let path = directory.file("cairn.sqlite")
        try await ScheduleHarness.run([try .make("a", "0 * * * *"), try .make("b", "0 * * * *")], databasePath: path, clock: clock) { _ in }
        clock.advance(to: utc("2026-11-25T15:30:00Z"))
        try await ScheduleHarness.run([try .make("a", "30 * * * *", zone: "Europe/Berlin")], databasePath: path, clock: clock) { harness in
            try await harness.clock.waitForSleeper { $0 == utc("2026-11-25T16:30:00Z") }
            // No catch-up of 13:00-15:00: the old expression's ticks are not the new one's.
            #expect(try harness.ticks("a").isEmpty)
            let audit = try harness.service.describe("a").audit
            #expect(audit.first?.event == "changed")
            #expect(audit.first?.detail.contains("0 * * * * (GMT) → 30 * * * * (Europe/Berlin)") == true)
            let b = try harness.service.describe("b").status
            #expect(b.orphaned && b.nextTick == nil)
            await #expect(throws: TriggerError.self) { try await harness.service.trigger("b") }
            #expect(try harness.service.list().map(\.name) == ["a", "b"])
        }
    }
}
