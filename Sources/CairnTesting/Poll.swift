/// Waits for state the test does not drive, such as a child process, a socket or a log file,
/// by checking it every few milliseconds until a deadline. In-process time is driven by a
/// ``ManualClock`` instead; this is only for what happens outside the test's control.
public enum Poll {
    /// Returns the first non-nil value `produce` yields; throws `TestFailure` at the deadline.
    public static func value<T>(
        _ what: @autoclosure () -> String = "condition",
        timeout: Duration = .seconds(20),
        every interval: Duration = .milliseconds(10),
        _ produce: () async throws -> T?
    ) async throws -> T {
        let start = ContinuousClock.now
        while true {
            if let value = try await produce() { return value }
            if ContinuousClock.now - start > timeout { throw TestFailure("\(what()) not met within \(timeout)") }
            try await Task.sleep(for: interval)
        }
    }

    /// Returns once `condition` holds; throws `TestFailure` at the deadline.
    public static func until(
        _ what: @autoclosure () -> String = "condition",
        timeout: Duration = .seconds(20),
        every interval: Duration = .milliseconds(10),
        _ condition: () async throws -> Bool
    ) async throws {
        _ = try await value(what(), timeout: timeout, every: interval) { try await condition() ? true : nil }
    }
}
