import Cairn
import CairnStore
import Foundation

/// The step primitives: replay from the cache, or execute and record.
extension Lifetime {
    enum CacheEntry {
        case hit(StepRecord)
        case miss(seq: Int64)
    }

    /// Looks a step up; on a miss reserves its start-order number.
    func lookup(_ key: StepKey) throws -> CacheEntry {
        try state.withLock { state in
            if let interruption = state.interruption { throw interruption }
            if let record = state.cache[key] { return .hit(record) }
            defer { state.nextSeq += 1 }
            return .miss(seq: state.nextSeq)
        }
    }

    func remember(_ record: StepRecord) {
        state.withLock { $0.cache[record.key] = record }
    }

    // MARK: do

    func runStep(_ key: StepKey, config: StepConfig, body: @escaping @Sendable (StepContext) async throws -> Data) async throws -> Data {
        var record: StepRecord
        switch try lookup(key) {
        case .hit(let stored):
            switch stored.status {
            case .succeeded:
                return stored.output ?? Data("null".utf8)
            case .failed:
                let info = stored.error ?? ErrorInfo(name: "Error", message: "The step failed.")
                throw StepError(step: key.displayName, name: info.name, message: info.message)
            default:
                record = stored
            }
        case .miss(let seq):
            record = StepRecord(instance: rowID, key: key, seq: seq, status: .running, config: config, startedAt: now)
        }
        let config = record.config ?? config
        if record.status == .running, record.attempts > 0 {
            // The process died during this attempt: it used up one attempt of the budget.
            let info = ErrorInfo(name: "WorkflowInternalError", message: "Attempt failed due to internal workflows error")
            // Written at once: a pause or drain at the boundary below would otherwise leave the
            // stored log showing the attempt as still running.
            record.endAttempt(at: now, error: info)
            record.error = info
            enqueue([.putStep(record)])
            if record.attempts > config.retries.limit {
                try await failForGood(&record, info)
            }
        }
        while true {
            if record.status == .retrying, let wake = record.wakeAt {
                try await waitUntil(wake, key: key, reason: .retry)
            }
            try checkBoundary()
            let previousError = record.attempts > 0 ? record.error : nil
            // A first attempt starts when its step did, so the stored row implies it (no log).
            let started = record.attempts == 0 ? record.startedAt : now
            let attempt = record.beginAttempt(at: started)
            record.status = .running
            record.wakeAt = nil
            enqueue([.putStep(record)])
            report(.running)
            try await flush()

            let timeout = (try? config.timeout.milliseconds()) ?? 600_000
            let stepContext = StepContext(name: key.name, count: key.count, attempt: attempt, config: config, previousError: previousError)
            let outcome = await execute(body, context: stepContext, timeoutMilliseconds: timeout)
            let ended = now
            context.metrics.stepDuration.recordNanoseconds(Int64(saturating: ended.timeIntervalSince(started) * 1e9))
            switch outcome {
            case .value(let data) where data.count > context.configuration.maxOutputBytes:
                // As in Cloudflare: an oversized result fails this attempt, retried like any failure.
                let limit = context.configuration.maxOutputBytes
                let info = ErrorInfo(WorkflowError(.outputTooLarge, "Step '\(key.displayName)' returned \(data.count) bytes; the limit is \(limit) bytes. Store large data elsewhere and return a reference to it."))
                record.endAttempt(at: ended, error: info)
                try await attemptFailed(&record, info, retryable: true, config: config, at: ended)
            case .value(let data):
                context.metrics.attemptsSucceeded.increment()
                context.metrics.stepsSucceeded.increment()
                logger.debug("step succeeded", metadata: ["step": "\(key.displayName)", "attempt": "\(attempt)"])
                record.status = .succeeded
                record.output = data
                record.error = nil
                record.endedAt = ended
                record.endAttempt(at: ended, error: nil)
                enqueue([.putStep(record)])
                remember(record)
                // A pause that arrived while the body ran takes effect now; the result is kept.
                if let interruption = poisoned() { throw interruption }
                return data
            case .interrupted(let interruption):
                throw interruption
            case .failed(let error):
                if let interruption = error as? Interruption { throw raise(interruption) }
                if error is CancellationError, Task.isCancelled { throw raise(.stop) }
                let info = ErrorInfo(error)
                record.endAttempt(at: ended, error: info)
                if error is WorkflowError {
                    context.metrics.attemptsFailed.increment()
                    try await failForGood(&record, info, fatal: true)
                }
                try await attemptFailed(&record, info, retryable: !Self.isNonRetryable(info), config: config, at: ended,
                                        atLeast: (error as? any RetryAfterError)?.retryAfter)
            case .event, .elapsed:
                continue
            }
        }
    }

    /// Cloudflare recognises a non-retryable failure by its name (or a message that starts with
    /// it), so one that surfaces from a nested step through an outer body stops the outer step too.
    static func isNonRetryable(_ info: ErrorInfo) -> Bool {
        info.name == "NonRetryableError" || info.message.hasPrefix("NonRetryableError")
    }

    /// Records a failed attempt (already ended in the record's log): schedules the next one
    /// per the retry policy (or after
    /// `atLeast`, a ``RetryAfterError``'s wish, when that is longer), or, when the error is not
    /// retryable or the retries are used up, fails the step into `run`.
    private func attemptFailed(_ record: inout StepRecord, _ info: ErrorInfo, retryable: Bool, config: StepConfig, at ended: Date,
                               atLeast: Duration? = nil) async throws {
        context.metrics.attemptsFailed.increment()
        let attempt = record.attempts
        if !retryable || attempt > config.retries.limit {
            try await failForGood(&record, info)
        }
        var delay = try config.retries.delayMilliseconds(afterFailedAttempts: attempt)
        if let atLeast {
            let (seconds, attoseconds) = atLeast.components
            let wished = seconds.multipliedReportingOverflow(by: 1000).overflow ? Int64.max / 4 : seconds * 1000 + attoseconds / 1_000_000_000_000_000
            delay = max(delay, min(wished, Int64.max / 4))
        }
        record.status = .retrying
        record.error = info
        record.wakeAt = ended.addingTimeInterval(Double(delay) / 1000)
        enqueue([.putStep(record)])
        logger.info("step attempt failed; retrying", metadata: ["step": "\(record.key.displayName)", "attempt": "\(attempt)", "error": "\(info)"])
    }

    /// Records the step as failed and throws its error into `run` (or, for fatal errors,
    /// poisons the lifetime so the instance errors whatever `run` catches).
    private func failForGood(_ record: inout StepRecord, _ info: ErrorInfo, fatal: Bool = false) async throws -> Never {
        record.status = .failed
        record.error = info
        record.endedAt = now
        record.wakeAt = nil
        enqueue([.putStep(record)])
        remember(record)
        context.metrics.stepsFailed.increment()
        logger.info("step failed", metadata: ["step": "\(record.key.displayName)", "attempts": "\(record.attempts)", "error": "\(info)"])
        if fatal { throw raise(.fatal(info)) }
        try await flush()
        throw StepError(step: record.key.displayName, name: info.name, message: info.message)
    }

    /// Runs one attempt's body against its timeout and against interruptions.
    private func execute(_ body: @escaping @Sendable (StepContext) async throws -> Data, context stepContext: StepContext, timeoutMilliseconds: Int64) async -> Wake {
        let signal = Signal<Wake>()
        let deadlineDate = now.addingTimeInterval(Double(timeoutMilliseconds) / 1000)
        state.withLock { $0.activeBodies += 1 }
        // Unstructured on purpose: a body that ignores cancellation must not hold its step
        // past the timeout or a terminate; its late result is ignored. `immediate` runs the
        // body on this thread until it first suspends, so a body that does not suspend
        // costs no thread hop.
        let task = Task.immediate {
            do {
                signal.fire(.value(try await body(stepContext)))
            } catch {
                signal.fire(.failed(error))
            }
        }
        let token: Int
        do {
            token = try register(signal, isBody: true, task: task)
        } catch {
            task.cancel()
            state.withLock { $0.activeBodies -= 1 }
            return .interrupted(poisoned() ?? .stop)
        }
        // One shared watch serves every attempt's timeout; no timer task per step.
        let deadline = context.deadlines.add(at: deadlineDate) {
            signal.fire(.elapsed)
        }
        let wake = (try? await signal.wait()) ?? .interrupted(.stop)
        context.deadlines.remove(deadline)
        state.withLock {
            $0.activeBodies -= 1
            $0.waiters[token] = nil
        }
        switch wake {
        case .elapsed:
            task.cancel()
            return .failed(StepTimeoutError(milliseconds: timeoutMilliseconds))
        case .interrupted:
            task.cancel()
            return wake
        case .value, .failed:
            // A body that ran past its timeout without suspending (so the watch could not
            // interrupt it) still timed out; its late result is not kept.
            if now >= deadlineDate { return .failed(StepTimeoutError(milliseconds: timeoutMilliseconds)) }
            return wake
        case .event:
            return wake
        }
    }

    // MARK: misuse

    /// The workflow broke an SDK rule: the instance ends `errored` with this error, whatever `run` catches.
    func reject(_ error: WorkflowError) -> any Error {
        raise(.fatal(ErrorInfo(error)))
    }

    // MARK: sleep

    func sleep(_ key: StepKey, milliseconds: Int64) async throws {
        try await sleep(key) { start in start.addingTimeInterval(Double(milliseconds) / 1000) }
    }

    func sleep(_ key: StepKey, until date: Date) async throws {
        try await sleep(key) { _ in date }
    }

    private func sleep(_ key: StepKey, wakeAt: (Date) -> Date) async throws {
        var record: StepRecord
        switch try lookup(key) {
        case .hit(let stored):
            if stored.status.isFinished { return }
            record = stored
        case .miss(let seq):
            try checkBoundary()
            let start = now
            record = StepRecord(instance: rowID, key: key, seq: seq, status: .sleeping, startedAt: start, wakeAt: wakeAt(start))
            enqueue([.putStep(record)])
            remember(record)
        }
        try await waitUntil(record.wakeAt ?? now, key: key, reason: .sleep)
        record.status = .slept
        record.endedAt = now
        record.wakeAt = nil
        enqueue([.putStep(record)])
        remember(record)
    }

    // MARK: waitForEvent

    func waitForEvent(_ key: StepKey, type: String, timeoutMilliseconds: Int64) async throws -> ReceivedEvent {
        var record: StepRecord
        let timeoutError = WaitForEventTimeoutError(step: key.displayName, eventType: type, timeoutMilliseconds: timeoutMilliseconds)
        switch try lookup(key) {
        case .hit(let stored):
            switch stored.status {
            case .received:
                return try storedEvent(stored)
            case .timedOut:
                throw timeoutError
            default:
                record = stored
            }
        case .miss(let seq):
            try checkBoundary()
            let start = now
            record = StepRecord(instance: rowID, key: key, seq: seq, status: .waiting, startedAt: start,
                                wakeAt: start.addingTimeInterval(Double(timeoutMilliseconds) / 1000), eventType: type)
            enqueue([.beginWait(record)])
            report(.running)
            if let event = try await flush()[key] {
                return received(&record, event)
            }
            remember(record)
        }
        let deadline = record.wakeAt ?? now
        state.withLock { $0.deadlines[key] = deadline }
        defer { state.withLock { _ = $0.deadlines.removeValue(forKey: key) } }
        while true {
            if let event = state.withLock({ $0.delivered.removeValue(forKey: key) }) {
                return received(&record, event)
            }
            let current = now
            if deadline <= current {
                var timedOut = record
                timedOut.status = .timedOut
                timedOut.endedAt = current
                timedOut.wakeAt = nil
                enqueue([.timeoutWait(timedOut)])
                if let event = try await flush()[key] {
                    return received(&record, event)
                }
                remember(timedOut)
                throw timeoutError
            }
            try checkBoundary()
            try suspendIfLong(until: deadline, from: current, reason: .event)
            report(.waiting, reason: .event, wakeAt: deadline)
            try await flush()
            let signal = Signal<Wake>()
            let token = try register(signal, isBody: false, eventKey: key)
            let result = await race(signal, deadline: deadline)
            unregister(token, eventKey: key)
            switch result {
            case .event(let event):
                report(.running)
                return received(&record, event)
            case .interrupted(let interruption):
                throw interruption
            case .elapsed, .value, .failed:
                continue
            }
        }
    }

    /// Notes an event the store already wrote into the step.
    private func received(_ record: inout StepRecord, _ event: ReceivedEvent) -> ReceivedEvent {
        record.status = .received
        record.output = EventCoding.encode(event)
        record.endedAt = event.timestamp
        record.wakeAt = nil
        remember(record)
        return event
    }

    private func storedEvent(_ record: StepRecord) throws -> ReceivedEvent {
        guard let output = record.output, let event = EventCoding.decode(output) else {
            throw raise(.fatal(ErrorInfo(name: "WorkflowInternalError", message: "The stored event of step '\(record.key.displayName)' is unreadable.")))
        }
        return event
    }
}
