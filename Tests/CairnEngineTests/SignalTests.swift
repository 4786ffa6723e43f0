@testable import CairnEngine
import CairnTesting
import Testing

/// The engine's one-shot signal: every waiter is resumed exactly once.
@Suite struct SignalTests {
    @Test func everyWaiterGetsTheValue() async throws {
        let signal = Signal<Int>()
        async let first = signal.wait()
        async let second = signal.wait()
        try await Poll.until("two waiters registered") { signal.waiterCount == 2 }
        #expect(signal.fire(7))
        #expect(try await first == 7)
        #expect(try await second == 7)
        #expect(!signal.fire(8))
        #expect(try await signal.wait() == 7)      // a late waiter gets the value at once
    }

    @Test func cancellingOneWaiterLeavesTheOthersWaiting() async throws {
        let signal = Signal<String>()
        let cancelled = Task { try await signal.wait() }
        let kept = Task { try await signal.wait() }
        try await Poll.until("two waiters registered") { signal.waiterCount == 2 }
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        #expect(signal.waiterCount == 1)
        signal.fire("go")
        #expect(try await kept.value == "go")
    }

    @Test func aWaiterCancelledBeforeItWaitsThrowsAndLaterWaitersStillWork() async throws {
        let signal = Signal<Int>()
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await signal.wait()
        }
        await #expect(throws: CancellationError.self) { try await early.value }
        let later = Task { try await signal.wait() }
        try await Poll.until("one waiter registered") { signal.waiterCount == 1 }
        signal.fire(1)
        #expect(try await later.value == 1)
    }
}
