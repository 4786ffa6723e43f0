import Cairn
import CairnEngine
import CairnTesting
import CairnTriggers
import Foundation
import Testing

/// Overlap policies with instances that stay unfinished until they get a `done` event.
@Suite struct ScheduleOverlapTests {
    private func run(_ overlap: ScheduleDefinition.Overlap, _ body: @Sendable (ScheduleHarness) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock(now: utc("2026-11-25T12:00:30Z"))
        let schedule = try ScheduleDefinition.make("slow", "* * * * *", params: ["wait": true], overlap: overlap)
        try await ScheduleHarness.run([schedule], databasePath: directory.file("cairn.sqlite"), clock: clock) { harness in
            try await harness.clock.waitForSleeper { $0 == utc("2026-11-25T12:01:00Z") }
            try await body(harness)
        }
    }

    private func minute(_ minute: Int) -> Date { utc("2026-11-25T12:\(minute < 10 ? "0" : "")\(minute):00Z") }

    private func waiting(_ harness: ScheduleHarness, _ id: String) async throws {
        _ = try await harness.engine.waitFor("recorder", id: id) { $0.status == .waiting }
    }

    @Test func allowStartsEveryTickWhileEarlierOnesRun() async throws {
        try await run(.allow) { harness in
            for minute in 1...3 { try await harness.advance(to: self.minute(minute), thenSleepsUntil: self.minute(minute + 1)) }
            #expect(try harness.cronInstances().count == 3)
            #expect(try harness.ticks("slow").map(\.outcome) == [.fired, .fired, .fired])
        }
    }

    @Test func skipRecordsTicksWhileThePreviousInstanceRuns() async throws {
        try await run(.skip) { harness in
            try await harness.advance(to: minute(1), thenSleepsUntil: minute(2))
            try await waiting(harness, "cron-slow-20261125T1201Z")
            try await harness.advance(to: minute(2), thenSleepsUntil: minute(3))
            try await harness.advance(to: minute(3), thenSleepsUntil: minute(4))
            try await harness.engine.sendEvent("recorder", id: "cron-slow-20261125T1201Z", type: "done")
            _ = try await harness.engine.waitUntilFinished("recorder", id: "cron-slow-20261125T1201Z")
            try await harness.advance(to: minute(4), thenSleepsUntil: minute(5))
            let ticks = try harness.ticks("slow")
            #expect(ticks.map(\.outcome) == [.fired, .skipped, .skipped, .fired])
            #expect(ticks[1].reason == "overlap: instance cron-slow-20261125T1201Z was still running")
            #expect(try harness.cronInstances().map(\.id) == ["cron-slow-20261125T1201Z", "cron-slow-20261125T1204Z"])
        }
    }

    @Test func bufferOneKeepsOneTickWaitingAndStartsItWhenThePreviousFinishes() async throws {
        try await run(.bufferOne) { harness in
            try await harness.advance(to: minute(1), thenSleepsUntil: minute(2))
            try await waiting(harness, "cron-slow-20261125T1201Z")
            try await harness.advance(to: minute(2), thenSleepsUntil: minute(3))
            try await harness.advance(to: minute(3), thenSleepsUntil: minute(4))
            #expect(try harness.ticks("slow").map(\.outcome) == [.fired, .buffered, .skipped])
            #expect(try harness.ticks("slow")[2].reason?.hasPrefix("overlap_buffer_full:") == true)
            #expect(try harness.service.describe("slow").status.bufferedTick == minute(2))
            #expect(try harness.cronInstances().count == 1)

            try await harness.engine.sendEvent("recorder", id: "cron-slow-20261125T1201Z", type: "done")
            // The buffered tick starts as soon as the first instance has finished, with its own
            // scheduled time, and the ledger row turns from buffered to fired.
            let second = try await Poll.value("the buffered tick's instance") { try? harness.engine.instance("recorder", id: "cron-slow-20261125T1202Z") }
            #expect(second.params["scheduledTime"] == "2026-11-25T12:02:00.000Z")
            try await Poll.until("the ledger shows the buffered tick fired") { try harness.ticks("slow").map(\.outcome) == [.fired, .fired, .skipped] }
            #expect(try harness.service.describe("slow").status.bufferedTick == nil)
            // The next tick sees the buffered one running, so it is buffered in turn.
            try await waiting(harness, "cron-slow-20261125T1202Z")
            try await harness.advance(to: minute(4), thenSleepsUntil: minute(5))
            #expect(try harness.ticks("slow").map(\.outcome) == [.fired, .fired, .skipped, .buffered])
        }
    }

    @Test func aBufferedTickSurvivesARestartAndStartsWhenThePreviousFinishes() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock(now: utc("2026-11-25T12:00:30Z"))
        let path = directory.file("cairn.sqlite")
        let schedule = try ScheduleDefinition.make("slow", "* * * * *", params: ["wait": true], overlap: .bufferOne)
        try await ScheduleHarness.run([schedule], databasePath: path, clock: clock) { harness in
            try await harness.clock.waitForSleeper { $0 == minute(1) }
            try await harness.advance(to: minute(1), thenSleepsUntil: minute(2))
            try await waiting(harness, "cron-slow-20261125T1201Z")
            try await harness.advance(to: minute(2), thenSleepsUntil: minute(3))
        }
        try await ScheduleHarness.run([schedule], databasePath: path, clock: clock) { harness in
            try await harness.engine.sendEvent("recorder", id: "cron-slow-20261125T1201Z", type: "done")
            _ = try await Poll.value("the buffered tick's instance after the restart") { try? harness.engine.instance("recorder", id: "cron-slow-20261125T1202Z") }
        }
    }
}

/// Races between a buffered tick being released and the next tick coming due.
@Suite struct ScheduleBufferRaceTests {
    @Test func aBufferedTickAndTheNextTickNeverRunTogether() async throws {
        for round in 0..<5 {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let clock = ManualClock(now: utc("2026-11-25T12:00:30Z"))
            let schedule = try ScheduleDefinition.make("slow", "* * * * *", params: ["wait": true], overlap: .bufferOne)
            try await ScheduleHarness.run([schedule], databasePath: directory.file("cairn.sqlite"), clock: clock) { harness in
                try await harness.clock.waitForSleeper { $0 == utc("2026-11-25T12:01:00Z") }
                try await harness.advance(to: utc("2026-11-25T12:01:00Z"), thenSleepsUntil: utc("2026-11-25T12:02:00Z"))
                _ = try await harness.engine.waitFor("recorder", id: "cron-slow-20261125T1201Z") { $0.status == .waiting }
                try await harness.advance(to: utc("2026-11-25T12:02:00Z"), thenSleepsUntil: utc("2026-11-25T12:03:00Z"))
                // The previous instance finishes while the next tick comes due.
                async let finish: Void = harness.engine.sendEvent("recorder", id: "cron-slow-20261125T1201Z", type: "done")
                harness.clock.advance(to: utc("2026-11-25T12:03:00Z"))
                try await finish
                try await harness.clock.waitForSleeper { $0 == utc("2026-11-25T12:04:00Z") }
                _ = try await Poll.value("the buffered tick's instance (round \(round))") { try? harness.engine.instance("recorder", id: "cron-slow-20261125T1202Z") }
                let ticks = try harness.ticks("slow")
                #expect(ticks.count == 3)
                #expect(ticks[1].outcome == .fired)
                // 12:03 found either the 12:02 tick still buffered, or it running: never free.
                #expect([.skipped, .buffered].contains(ticks[2].outcome), "round \(round): \(ticks[2])")
                #expect((try? harness.engine.instance("recorder", id: "cron-slow-20261125T1203Z")) == nil)
            }
        }
    }
}
