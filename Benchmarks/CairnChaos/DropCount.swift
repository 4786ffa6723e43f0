import Synchronization

/// How many files the dropping task has dropped so far (for the progress line).
final class DropCount: Sendable {
    let value = Atomic<Int>(0)
}
