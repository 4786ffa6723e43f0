import Foundation

/// The ticks waiting under `overlap = "buffer_one"`: each waits (as a child task of the
/// schedule service, without polling) for the instance before it to finish, then fires.
final class BufferedTicks: Sendable {
    struct Waiting: Sendable {
        var schedule: String
        var previous: String
        var tick: Date
        var fireAt: Date?
    }

    private let stream: AsyncStream<Waiting>
    private let continuation: AsyncStream<Waiting>.Continuation

    init() {
        (stream, continuation) = AsyncStream.makeStream(of: Waiting.self)
    }

    func add(_ waiting: Waiting) { continuation.yield(waiting) }

    /// Ends ``run(_:)`` (its waiters are cancelled; their ticks stay buffered in the ledger
    /// and are picked up at the next start).
    func stop() { continuation.finish() }

    func run(_ service: ScheduleService) async {
        await withDiscardingTaskGroup { group in
            for await waiting in stream {
                group.addTask { await service.fireWhenPreviousFinishes(waiting) }
            }
            group.cancelAll()
        }
    }
}
