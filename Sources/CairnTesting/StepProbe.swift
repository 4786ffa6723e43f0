import Foundation
import Synchronization

/// Counts how often step bodies ran, so tests can assert what re-ran and what did not.
public final class StepProbe: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    public init() {}

    public func record(_ name: String) {
        counts.withLock { $0[name, default: 0] += 1 }
    }

    public func runs(of name: String) -> Int {
        counts.withLock { $0[name, default: 0] }
    }

    /// Waits (real time, bounded) until `name` has run at least `times` times.
    public func waitUntilRun(_ name: String, times: Int = 1, timeout: Duration = .seconds(10)) async throws {
        let start = ContinuousClock.now
        while runs(of: name) < times {
            if ContinuousClock.now - start > timeout {
                throw TestFailure("Step '\(name)' ran \(runs(of: name)) times within \(timeout); expected \(times).")
            }
            try await Task.sleep(for: .milliseconds(2))
        }
    }
}

/// A gate that step bodies can wait on until a test opens it.
public final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    public init() {}

    public func wait() async {
        await withCheckedContinuation { continuation in
            let open = state.withLock { state in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if open { continuation.resume() }
        }
    }

    public func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
