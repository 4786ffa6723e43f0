import Synchronization

/// Waits for some work, but not longer than a deadline: the work keeps running if the
/// deadline comes first (a commit cannot be taken back), and its answer is then dropped.
enum Race {
    /// Whoever claims it first answers.
    private final class Claim: Sendable {
        private let taken = Mutex(false)
        func take() -> Bool { taken.withLock { taken in defer { taken = true }; return !taken } }
    }

    /// `work`'s answer, or `nil` when `timeout` passed first.
    static func first<T: Sendable>(within timeout: Duration, _ work: @escaping @Sendable () async -> T) async -> T? {
        let claim = Claim()
        return await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
            // Unstructured both: the loser must not hold up the answer.
            Task {
                let value = await work()
                if claim.take() { continuation.resume(returning: value) }
            }
            Task {
                try? await Task.sleep(for: timeout)
                if claim.take() { continuation.resume(returning: nil) }
            }
        }
    }
}
