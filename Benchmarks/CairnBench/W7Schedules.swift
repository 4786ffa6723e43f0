import Cairn
import CairnEngine
import CairnTriggers
import Foundation
import Logging
import Synchronization

/// W7: 1,000 schedules due in the same minute. Lateness = the engine clock right after a
/// tick's instance (with its ledger rows) committed, minus the tick's scheduled time. Also
/// the cost of one next-fire computation for ordinary expressions.
enum W7Schedules {
    struct Quick: Workflow {
        func run(event: WorkflowEvent<NoParams>, step: WorkflowStep) async throws -> Int { 1 }
    }

    static func run(directory: String, quick: Bool, report: Report) async throws {
        try nextFireCost(quick: quick, report: report)
        let count = quick ? 200 : 1_000
        let fired = Mutex<[Double]>([])
        let harness = try EngineHarness(path: "\(directory)/w7.sqlite", migrations: ScheduleService.migrations) { try $0.register(Quick(), as: "quick") }
        // One minute far enough ahead for the service to start and sleep before it.
        let now = Date()
        let seconds = Int(now.timeIntervalSince1970)
        let target = Date(timeIntervalSince1970: TimeInterval((seconds / 60 + (seconds % 60 > 50 ? 2 : 1)) * 60))
        let components = Calendar(identifier: .gregorian).dateComponents(in: TimeZone.gmt, from: target)
        let expression = try CronExpression("\(components.minute!) \(components.hour!) * * *")
        let definitions = try (0..<count).map { index in
            try ScheduleDefinition(name: String(format: "s%04d", index), cron: expression, workflow: "quick")
        }
        var logger = Logger(label: "cairn.bench.w7")
        logger.logLevel = .warning
        let concurrency = Int(ProcessInfo.processInfo.environment["CAIRN_BENCH_W7_CONCURRENCY"] ?? "") ?? 256
        let service = ScheduleService(definitions: definitions, engine: harness.engine, store: harness.store, logger: logger, concurrency: concurrency) { tick in
            let lateness = tick.committedAt.timeIntervalSince(tick.dueAt)
            fired.withLock { $0.append(lateness) }
        }
        let running = Task { try await service.run() }    // stopped below, once every tick has fired
        print("W7: \(count) schedules due at \(target.formatted(.iso8601)); waiting up to \(Int(target.timeIntervalSinceNow) + 30) s")
        let deadline = target.addingTimeInterval(30)
        while fired.withLock({ $0.count }) < count, Date() < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        running.cancel()
        _ = try? await running.value
        await harness.stop()
        var samples = Samples()
        for value in fired.withLock({ $0 }) { samples.add(value) }
        report.add("W7 1,000 schedules", "lateness p50", samples.p50, "ms")
        report.add("W7 1,000 schedules", "lateness p99", samples.p99, "ms", atMost: 250)
        report.add("W7 1,000 schedules", "lateness max", samples.max, "ms")
        report.check("W7 1,000 schedules", "every tick fired once", samples.count == count, "\(samples.count)/\(count)")
    }

    /// Microseconds per `next(after:)` call, averaged over a set of ordinary expressions.
    static func nextFireCost(quick: Bool, report: Report) throws {
        let ordinary = ["*/5 * * * *", "0 9 * * MON-FRI", "30 2 1 * *", "0 0 L * *", "15 10 * * 1#2", "0 */6 * * *", "@daily", "0 12 15W * *"]
        let expressions = try ordinary.map(CronExpression.init)
        let calls = quick ? 20_000 : 200_000
        for (label, zone) in [("UTC", TimeZone.gmt), ("Europe/Berlin", TimeZone(identifier: "Europe/Berlin")!)] {
            var cursor = Date(timeIntervalSince1970: 1_795_000_000)
            var checksum = 0.0
            let start = ContinuousClock.now
            for index in 0..<calls {
                let next = expressions[index % expressions.count].next(after: cursor, in: zone) ?? cursor
                checksum += next.timeIntervalSince1970
                cursor = cursor.addingTimeInterval(97)
            }
            let perCall = seconds(since: start) / Double(calls) * 1e6
            if checksum.isNaN { print("unreachable") }
            report.add("W7 next fire", "µs per call (\(label))", perCall, "µs", atMost: 5)
        }
    }
}
