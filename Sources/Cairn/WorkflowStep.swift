import Foundation
import Synchronization

/// The durable step primitives available inside `run`: `do`, `sleep`, `sleepUntil`, `waitForEvent`.
///
/// Each call is identified by its primitive, its name and its occurrence (the k-th call of
/// that name), numbered synchronously at call time, so replays map calls to stored
/// results as long as the workflow calls them in the same order.
///
/// Steps may run in parallel (`async let`, task groups) as long as the parallel branches use
/// different names: two calls of one primitive with the same name in flight at once would
/// get their occurrence numbers in whatever order the scheduler starts them, so a replay
/// could hand one branch the other's result. Cairn refuses that and ends the instance with
/// a `concurrent_same_name` error; name parallel steps apart (`"fetch \(id)"`).
///
/// Misuse of the API that Cairn detects (an invalid step name, duration or config, a
/// parallel duplicate name) ends the instance as `errored` even if the workflow catches
/// the error: `try? await step.sleep("x", "3 fortnights")` does not skip the sleep silently.
public final class WorkflowStep: Sendable {
    private let runner: any StepRunner
    private let counters = Mutex<Counters>(Counters())

    private struct Counters {
        var next: [CounterKey: Int] = [:]
        var inFlight: Set<CounterKey> = []
    }

    private struct CounterKey: Hashable {
        var kind: StepKind
        var name: String
    }

    /// Creates the step API over an engine's runner. Engines call this; workflows receive it.
    public init(runner: any StepRunner) {
        self.runner = runner
    }

    /// Numbers the call and marks its name in flight until ``end(_:)``.
    private func begin(_ kind: StepKind, _ name: String) throws -> StepKey {
        try checked { try Identifier.validateStepName(name) }
        let counter = CounterKey(kind: kind, name: name)
        let count = counters.withLock { counters -> Int? in
            guard counters.inFlight.insert(counter).inserted else { return nil }
            let next = counters.next[counter, default: 0] + 1
            counters.next[counter] = next
            return next
        }
        guard let count else {
            throw runner.reject(WorkflowError(.concurrentSameName,
                "Two '\(kind.rawValue)' steps named '\(name)' ran at the same time. Parallel steps must have different names (e.g. include the item's ID), otherwise a replay cannot tell their results apart."))
        }
        return StepKey(kind: kind, name: name, count: count)
    }

    private func end(_ key: StepKey) {
        _ = counters.withLock { $0.inFlight.remove(CounterKey(kind: key.kind, name: key.name)) }
    }

    /// Runs an SDK check; a `WorkflowError` it throws goes through the runner, which ends the instance.
    private func checked<T>(_ check: () throws -> T) throws -> T {
        do {
            return try check()
        } catch let error as WorkflowError {
            throw runner.reject(error)
        }
    }

    /// Runs `body` once, durably: its result is stored and returned on every later replay.
    ///
    /// A failing body is retried per `config` (by default 5 retries, 10 s exponential
    /// back-off). When retries run out, or the body throws ``NonRetryableError``, a
    /// ``StepError`` is thrown here, and again on every replay.
    ///
    /// ```swift
    /// let user = try await step.do("load user") { _ in try await api.user(id) }
    /// ```
    @discardableResult
    public func `do`<T: Codable & Sendable>(
        _ name: String,
        config: StepConfig = .default,
        _ body: @escaping @Sendable (StepContext) async throws -> T
    ) async throws -> T {
        let key = try begin(.do, name)
        defer { end(key) }
        try checked { try config.validate(step: key.displayName) }
        let data = try await runner.runStep(key, config: config) { context in
            let value = try await body(context)
            do {
                return try StoredJSONEncoder.encode(value)
            } catch {
                throw WorkflowError(.outputNotEncodable, "Step '\(key.displayName)' returned a value that cannot be encoded as JSON: \(error). Return a Codable value that encodes.")
            }
        }
        do {
            return try StoredJSONDecoder.decode(T.self, from: data)
        } catch {
            throw runner.reject(WorkflowError(.outputNotEncodable, "The stored result of step '\(key.displayName)' does not decode as \(T.self): \(error). Did the step's return type change while this instance was running?"))
        }
    }

    /// A `step.do` whose body returns nothing.
    public func `do`(
        _ name: String,
        config: StepConfig = .default,
        _ body: @escaping @Sendable (StepContext) async throws -> Void
    ) async throws {
        let _: Nothing = try await self.do(name, config: config) { context in
            try await body(context)
            return Nothing()
        }
    }

    /// Sleeps durably. The wake-up time is stored, so a restart waits only what remains.
    public func sleep(_ name: String, _ duration: WorkflowDuration) async throws {
        let key = try begin(.sleep, name)
        defer { end(key) }
        let milliseconds = try checked { try duration.milliseconds() }
        guard (0...Self.maxSleepMilliseconds).contains(milliseconds) else {
            throw runner.reject(WorkflowError(.invalidDuration, "Sleep '\(key.displayName)' lasts \(duration); sleeps must be between 0 and 365 days."))
        }
        try await runner.sleep(key, milliseconds: milliseconds)
    }

    /// Sleeps durably for a Swift `Duration`.
    public func sleep(_ name: String, for duration: Duration) async throws {
        try await sleep(name, WorkflowDuration(duration))
    }

    /// Sleeps until `date`; returns at once when it has already passed.
    public func sleepUntil(_ name: String, _ date: Date) async throws {
        let key = try begin(.sleep, name)
        defer { end(key) }
        try await runner.sleep(key, until: date)
    }

    /// Waits for an event of `type` sent to this instance, and returns it.
    ///
    /// Events sent before the wait starts are buffered (first in, first out, per type);
    /// each event is consumed by exactly one wait. Throws ``WaitForEventTimeoutError`` if
    /// none arrives within `timeout` (1 second to 365 days, default 24 hours).
    public func waitForEvent<Payload: Codable & Sendable>(
        _ name: String,
        type: String,
        timeout: WorkflowDuration = .hours(24),
        as payloadType: Payload.Type = Payload.self
    ) async throws -> StepEvent<Payload> {
        let key = try begin(.waitForEvent, name)
        defer { end(key) }
        try checked { try Identifier.validateEventType(type) }
        let milliseconds = try checked { try timeout.milliseconds() }
        guard (1000...Self.maxSleepMilliseconds).contains(milliseconds) else {
            throw runner.reject(WorkflowError(.invalidDuration, "waitForEvent '\(key.displayName)' has a timeout of \(timeout); use 1 second to 365 days."))
        }
        let event = try await runner.waitForEvent(key, type: type, timeoutMilliseconds: milliseconds)
        let payload = try StoredJSONDecoder.decode(Payload.self, from: event.payload)
        return StepEvent(payload: payload, type: event.type, timestamp: event.timestamp)
    }

    static let maxSleepMilliseconds: Int64 = 365 * 86_400_000
}

/// Stored for steps that return nothing.
private struct Nothing: Codable, Sendable {}

extension JSONEncoder {
    /// The encoder Cairn uses for step results, params and outputs: sorted keys, ISO dates.
    /// One shared instance (encoding is thread-safe); do not change its settings.
    public static let cairn: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(JSONEncoder.timestampStyle))
        }
        return encoder
    }()
}

extension JSONEncoder {
    /// ISO 8601 in UTC with milliseconds, e.g. `2026-11-25T14:37:01.123Z`.
    public static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}

extension JSONDecoder {
    /// The decoder matching ``Foundation/JSONEncoder/cairn``. One shared instance (decoding
    /// is thread-safe); do not change its settings.
    public static let cairn: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = try? JSONEncoder.timestampStyle.parse(text) { return date }
            if let date = try? Date.ISO8601FormatStyle().parse(text) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not an ISO 8601 date")
        }
        return decoder
    }()
}
