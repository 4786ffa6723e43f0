@testable import CairnTriggers
import Foundation
import Testing

/// The jitter rule: a deterministic offset below min(jitter, period).
@Suite struct TickPlannerTests {
    @Test func jitterIsDeterministicAndBoundedByThePeriod() throws {
        let hourly = TickPlanner(definition: try .make("nightly", "0 * * * *", jitter: .seconds(7200)))
        let again = TickPlanner(definition: try .make("nightly", "0 * * * *", jitter: .seconds(7200)))
        let other = TickPlanner(definition: try .make("other", "0 * * * *", jitter: .seconds(7200)))
        var offsets: Set<Int> = []
        for hour in 0..<48 {
            let tick = utc("2026-11-25T00:00:00Z").addingTimeInterval(Double(hour) * 3600)
            let offset = hourly.fireAt(tick).timeIntervalSince(tick)
            #expect(offset >= 0 && offset < 3600)    // capped by the one-hour period
            #expect(hourly.fireAt(tick) == again.fireAt(tick))
            offsets.insert(Int(offset))
            if hour == 0 { #expect(other.fireAt(tick) != hourly.fireAt(tick)) }
        }
        #expect(offsets.count > 40)     // spread, not one constant
    }

    @Test func withoutJitterATickIsDueAtItsTime() throws {
        let planner = TickPlanner(definition: try .make("job", "*/5 * * * *"))
        #expect(planner.fireAt(utc("2026-11-25T12:05:00Z")) == utc("2026-11-25T12:05:00Z"))
    }

    @Test func pausedTicksAreSkippedWhateverTheCatchUpPolicy() throws {
        let planner = TickPlanner(definition: try .make("job", "0 * * * *", catchUp: .all(max: 10)))
        let plan = planner.plan(after: utc("2026-11-25T12:00:00Z"), now: utc("2026-11-25T15:00:10Z"), paused: true)
        #expect(plan.count == 3)
        #expect(plan.allSatisfy { if case .skip(let reason) = $0.action { reason.code == "paused" } else { false } })
    }
}
