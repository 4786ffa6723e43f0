@testable import CairnEngine
import CairnTesting
import Testing

/// The commit path's one-shot hand-off: a value already delivered is read without waiting,
/// and every task that parked before the delivery is resumed with it.
@Suite struct HandoffTests {
    @Test func aValueDeliveredFirstIsTakenWithoutWaiting() async {
        let handoff = Handoff<Int>()
        #expect(handoff.take() == nil)
        handoff.put(3)
        #expect(handoff.take() == 3)
        #expect(await handoff.wait() == 3)
        handoff.put(4)      // only the first delivery counts
        #expect(handoff.take() == 3)
    }

    @Test func everyParkedWaiterGetsTheValue() async throws {
        let handoff = Handoff<String>()
        async let first = handoff.wait()
        async let second = handoff.wait()
        try await Poll.until("two waiters parked") { handoff.waiterCount == 2 }
        handoff.put("done")
        #expect(await first == "done")
        #expect(await second == "done")
        #expect(handoff.waiterCount == 0)
    }
}
