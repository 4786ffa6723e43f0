import Dispatch

/// Where surfaces (HTTP handlers, the CLI's views) run their synchronous database reads:
/// threads of their own, so a read waiting on the disk never holds one of the few cooperative
/// threads that every request and every workflow lifetime shares.
public enum ReadQueue {
    private static let queue = DispatchQueue(label: "cairn.store.reads", qos: .userInitiated, attributes: .concurrent)

    /// Runs `read` on the read queue and returns its result to the awaiting task.
    public static func run<T: Sendable>(_ read: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try read() }) }
        }
    }
}
