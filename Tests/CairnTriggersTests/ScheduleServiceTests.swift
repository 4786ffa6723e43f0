import Cairn
import CairnEngine
import CairnTesting
import CairnTriggers
import Foundation
import Logging
import Testing

/// The schedule service on a real database file with a manual clock: ticks fire at their
/// second, exactly once, with the scheduled time as the event timestamp.
@Suite struct ScheduleServiceTests {
    @Test func aTickFiresAtItsScheduledSecondWithDeterministicIDAndPayload() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock(now: utc("2026-11-25T12:01:30Z"))
        let schedule = try ScheduleDefinition.make("report", "*/5 * * * *", params: ["region": "eu"])
        try await ScheduleHarness.run([schedule], databasePath: directory.file("cairn.sqlite"), clock: clock) { harness in
            try await harness.clock.waitForSleeper { $0 == utc("2026-11-25T12:05:00Z") }
            #expect(try harness.cronInstances().isEmpty)
            try await harness.advance(to: utc("2026-11-25T12:05:00Z"), thenSleepsUntil: utc("2026-11-25T12:10:00Z"))
            let instance = try await harness.engine.waitUntilFinished("recorder", id: "cron-report-20261125T1205Z")
            #expect(instance.trigger == "cron")
            #expect(instance.createdAt == utc("2026-11-25T12:05:00Z"))
            #expect(instance.output?["timestamp"] == "2026-11-25T12:05:00.000Z")
            #expect(instance.params == ["region": "eu", "cron": "*/5 * * * *", "scheduledTime": "2026-11-25T12:05:00.000Z", "schedule": "report"])
            let ticks = try harness.ticks("report")
            #expect(ticks.map(\.outcome) == [.fired])
            #expect(ticks.first?.instance == "cron-report-20261125T1205Z")
            let status = try harness.service.describe("report").status
            #expect(status.lastOutcome == "fired")
            #expect(status.nextTick == utc("2026-11-25T12:10:00Z"))
        }
    }

    @Test func aNewScheduleStartsFromNowWithoutBackfilling() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock(now: utc("2026-11-25T12:59:59Z"))
        try await ScheduleHarness.run([try .make("hourly", "0 * * * *")], databasePath: directory.file("cairn.sqlite"), clock: clock) { harness in
            try await harness.clock.waitForSleeper { $0 == utc("2026-11-25T13:00:00Z") }
            #expect(try harness.ticks("hourly").isEmpty)
            #expect(try harness.service.describe("hourly").audit.map(\.event) == ["added"])
        }
    }

    @Test func aCreateTheWorkflowRefusesIsRecordedAsFailedAndTheScheduleGoesOn() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock(now: utc("2026-11-25T12:00:30Z"))
        let schedule = try ScheduleDefinition.make("orders", "* * * * *", workflow: "needs-order")
        try await ScheduleHarness.run([schedule], databasePath: directory.file("cairn.sqlite"), clock: clock) { harness in
            try await harness.clock.waitForSleeper { $0 == utc("2026-11-25T12:01:00Z") }
            try await harness.advance(to: utc("2026-11-25T12:01:00Z"), thenSleepsUntil: utc("2026-11-25T12:02:00Z"))
            try await harness.advance(to: utc("2026-11-25T12:02:00Z"), thenSleepsUntil: utc("2026-11-25T12:03:00Z"))
            let ticks = try harness.ticks("orders")
            #expect(ticks.map(\.outcome) == [.failed, .failed])
            #expect(ticks.first?.reason?.contains("orderID") == true)
            #expect(try harness.engine.instances("needs-order").isEmpty)
        }
    }

    @Test func twoServicesOnOneDatabaseDoNotDoubleATick() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock(now: utc("2026-11-25T12:00:30Z"))
        let schedule = try ScheduleDefinition.make("shared", "* * * * *")
        try await ScheduleHarness.run([schedule], databasePath: directory.file("cairn.sqlite"), clock: clock) { harness in
            // A second service on the same engine and store: both see every tick come due.
            let second = ScheduleService(definitions: [schedule], engine: harness.engine, store: harness.store, logger: .init(label: "second", factory: { _ in SwiftLogNoOpLogHandler() }))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await second.run() }
                try await harness.clock.waitForSleeper { $0 == utc("2026-11-25T12:01:00Z") }
                try await Poll.until("both services sleep") { harness.clock.deadlines.filter { $0 == utc("2026-11-25T12:01:00Z") }.count == 2 }
                for minute in 1...3 {
                    harness.clock.advance(to: utc("2026-11-25T12:0\(minute):00Z"))
                    let next = utc("2026-11-25T12:0\(minute + 1):00Z")
                    try await Poll.until("both services evaluated minute \(minute)") { harness.clock.deadlines.filter { $0 == next }.count == 2 }
                }
                group.cancelAll()
            }
            #expect(try harness.cronInstances().map(\.id) == ["cron-shared-20261125T1201Z", "cron-shared-20261125T1202Z", "cron-shared-20261125T1203Z"])
            #expect(try harness.ticks("shared").map(\.outcome) == [.fired, .fired, .fired])
        }
    }
}
