import Cairn
import CairnEngine
import CairnStore
import CairnTesting
import CairnTriggers
import Foundation
import Logging

/// Records what a cron instance saw: its event timestamp and payload. With `"wait": true` in
/// its params it waits for an event `done` first, so it stays unfinished (for overlap tests).
struct TickRecorder: Workflow {
    func run(event: WorkflowEvent<JSONValue>, step: WorkflowStep) async throws -> JSONValue {
        if event.payload["wait"]?.boolValue == true {
            _ = try await step.waitForEvent("finish", type: "done", timeout: .hours(24 * 30), as: JSONValue.self)
        }
        return ["timestamp": .string(event.timestamp.formatted(JSONEncoder.timestampStyle)), "payload": event.payload]
    }
}

/// A workflow whose params need a field the schedule does not give.
struct NeedsOrder: Workflow {
    struct Params: Codable, Sendable { var orderID: Int }
    func run(event: WorkflowEvent<Params>, step: WorkflowStep) async throws -> Int { event.payload.orderID }
}

func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

/// An engine and a schedule service on a database file, driven by a manual clock.
struct ScheduleHarness: Sendable {
    let engine: Engine
    let service: ScheduleService
    let clock: ManualClock
    let store: SQLiteStore

    /// Runs `body` with a started engine and schedule service on `databasePath`; then drops
    /// both without draining (as a crash would).
    static func run<T: Sendable>(
        _ definitions: [ScheduleDefinition], databasePath: String, clock: ManualClock,
        _ body: @Sendable (ScheduleHarness) async throws -> T
    ) async throws -> T {
        let store = try SQLiteStore(path: databasePath, migrations: ScheduleService.migrations)
        var configuration = EngineConfiguration()
        configuration.suspendAfter = .seconds(86_400 * 400)
        // The orphan sweep sleeps on the same clock; keep its deadlines out of the way.
        configuration.sweepInterval = .seconds(86_400 * 400)
        return try await withTestEngine(store: store, clock: clock, configuration: configuration, register: { engine in
            try engine.register(TickRecorder(), as: "recorder")
            try engine.register(NeedsOrder(), as: "needs-order")
        }) { engine in
            var logger = Logger(label: "cairn.test.schedules")
            logger.logLevel = .critical
            let service = ScheduleService(definitions: definitions, engine: engine, store: store, logger: logger)
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask {
                    try await service.run()
                    return nil
                }
                defer { group.cancelAll() }
                let harness = ScheduleHarness(engine: engine, service: service, clock: clock, store: store)
                try await harness.waitUntilReady()
                return try await body(harness)
            }
        }
    }

    /// Waits until the service has reconciled the ledger (it then lists every schedule).
    func waitUntilReady() async throws {
        try await Poll.until("the schedule service reconciled") { service.isReady }
    }

    /// Moves the clock to `time` and waits until the service has evaluated everything due and
    /// sleeps again until `nextWake`.
    func advance(to time: Date, thenSleepsUntil nextWake: Date) async throws {
        clock.advance(to: time)
        try await clock.waitForSleeper { abs($0.timeIntervalSince(nextWake)) < 0.001 }
    }

    func ticks(_ name: String) throws -> [TickRecord] {
        try service.describe(name, ticks: 10_000).ticks.reversed()
    }

    func cronInstances() throws -> [InstanceView] {
        try engine.instances("recorder", limit: 1000).filter { $0.id.hasPrefix("cron-") }.sorted { $0.id < $1.id }
    }
}

extension ScheduleDefinition {
    static func make(_ name: String = "job", _ cron: String, workflow: String = "recorder", zone: String = "UTC", params: [String: JSONValue] = [:],
                     catchUp: CatchUp = .latest(window: nil), overlap: Overlap = .allow, jitter: Duration? = nil, paused: Bool = false) throws -> ScheduleDefinition {
        try ScheduleDefinition(name: name, cron: CronExpression(cron), workflow: workflow, timeZone: TimeZone(identifier: zone)!, params: params,
                               paused: paused, catchUp: catchUp, overlap: overlap, jitter: jitter)
    }
}
