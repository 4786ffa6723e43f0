import Synchronization

/// Runs `operation` and fails with `TestFailure` if it has not finished within `timeout`
/// (real time). Unlike a task group, it returns even if the operation hangs on something
/// that ignores cancellation, so a hang shows up as a failed test, not a stuck run.
public func within<T: Sendable>(
    _ timeout: Duration,
    _ what: @autoclosure () -> String = "the operation",
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let description = what()
    // Unstructured on purpose: a hung operation must not keep the test waiting for it.
    let task = Task { try await operation() }
    return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        let once = Once(continuation)
        Task { once.finish(await task.result) }
        Task {
            try? await Task.sleep(for: timeout)
            task.cancel()
            once.finish(.failure(TestFailure("\(description) did not finish within \(timeout)")))
        }
    }
}

/// Resumes a continuation with the first result only.
private final class Once<T: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<T, any Error>?>

    init(_ continuation: CheckedContinuation<T, any Error>) {
        self.continuation = Mutex(continuation)
    }

    func finish(_ result: Result<T, any Error>) {
        let pending = continuation.withLock { stored -> CheckedContinuation<T, any Error>? in
            defer { stored = nil }
            return stored
        }
        pending?.resume(with: result)
    }
}
