import Foundation

/// A few dedicated threads for blocking calls (`curl_easy_perform`), so a slow relay never
/// holds one of the cooperative pool's threads. Jobs beyond the threads wait their turn.
///
/// `@unchecked Sendable`: every mutable field is read and written only with `condition`
/// locked; `limit` and `name` are constants.
final class BlockingPool: @unchecked Sendable {
    /// The pool SMTP sends run on: four at a time.
    static let smtp = BlockingPool(threads: 4, name: "cairn-smtp")

    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []      // guarded by condition
    private var started = 0                              // guarded by condition
    private let limit: Int
    private let name: String

    init(threads: Int, name: String) {
        self.limit = max(1, threads)
        self.name = name
    }

    /// Runs `body` on one of the pool's threads and returns its result.
    func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            submit { continuation.resume(returning: body()) }
        }
    }

    private func submit(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        // A thread is started while queued jobs outnumber idle threads, up to the limit; they stay.
        if jobs.count > started - busy, started < limit {
            started += 1
            let thread = Thread { [self] in work() }
            thread.name = "\(name)-\(started)"
            thread.start()
        }
        condition.signal()
        condition.unlock()
    }

    private var busy = 0        // guarded by condition

    private func work() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            busy += 1
            condition.unlock()
            job()
            condition.lock()
            busy -= 1
            condition.unlock()
        }
    }
}
