import Cairn
import CairnEngine
import CairnStore
import Foundation
import GRDBSQLite

/// W10: a database holding 1,000,000 finished instances of ten steps each (built directly
/// with batched inserts, not through the engine), and what an operator does with it: open
/// and recover, describe, list (first page and a deep cursor page), count, and purge by
/// retention while W1 runs beside the purge.
enum W10Scale {
    static func run(directory: String, quick: Bool, report: Report) async throws {
        let count = quick ? 100_000 : 1_000_000
        let path = "\(directory)/w10.sqlite"
        // The schema (with the counter triggers) as the store makes it; then rows straight in.
        try SQLiteStore(path: path).close()
        let buildStart = ContinuousClock.now
        // Within the engine's 30-day retention (its own purge at start must leave them), ending
        // an hour ago; the purge phase below uses a later cutoff of its own.
        let base = Date().addingTimeInterval(-Double(count) * 0.05 - 3_600)
        try build(path: path, count: count, base: base)
        let buildSeconds = seconds(since: buildStart)
        let bytes = ["", "-wal"].reduce(0) { total, suffix in
            total + ((try? FileManager.default.attributesOfItem(atPath: path + suffix)[.size] as? Int) ?? 0)
        }
        report.add("W10 scale", "instances (10 steps each)", Double(count), "instances")
        report.add("W10 scale", "built in", buildSeconds, "s")
        report.add("W10 scale", "database size per instance", Double(bytes) / Double(count), "bytes")

        // Start-up: open the store (schema check) and run the engine to the end of recovery.
        let openStart = ContinuousClock.now
        let harness = try EngineHarness(path: path) { try $0.register(Chain(), as: "chain") }
        while !harness.engine.isRunning { try await Task.sleep(for: .microseconds(200)) }
        let startup = seconds(since: openStart) * 1000
        report.add("W10 scale", "open + recovery", startup, "ms", atMost: 1000)

        var random = SystemRandomNumberGenerator()
        var describe = Samples()
        for _ in 0..<(quick ? 500 : 2_000) {
            let id = String(format: "w10-%07d", Int.random(in: 0..<count, using: &random))
            let started = ContinuousClock.now
            _ = try harness.engine.detail("chain", id: id)
            describe.add(seconds(since: started))
        }
        report.add("W10 scale", "describe p99", describe.p99, "ms", atMost: 2)

        var firstPage = Samples()
        var deepPage = Samples()
        // A cursor near the oldest end: the last page a user scrolling back would reach.
        let deepCursor = PageCursor(createdAt: base.addingTimeInterval(Double(count / 100) * 0.05), sequence: Int64(count / 100))
        for _ in 0..<(quick ? 200 : 1_000) {
            var started = ContinuousClock.now
            let first = try harness.engine.instances("chain", limit: 51)
            firstPage.add(seconds(since: started))
            started = ContinuousClock.now
            let deep = try harness.engine.instances("chain", limit: 51, after: deepCursor)
            deepPage.add(seconds(since: started))
            guard first.count == 51, deep.count == 51 else { throw BenchError("W10: a page held \(first.count) / \(deep.count) instances, not 51") }
        }
        report.add("W10 scale", "list first page p99", firstPage.p99, "ms", atMost: 5)
        report.add("W10 scale", "list deep cursor page p99", deepPage.p99, "ms", atMost: 5)

        var counts = Samples()
        for _ in 0..<200 {
            let started = ContinuousClock.now
            let total = try harness.engine.instanceCounts()["chain"]?[.complete] ?? 0
            counts.add(seconds(since: started))
            guard total >= count else { throw BenchError("W10: counted \(total) complete instances of \(count)") }
        }
        report.add("W10 scale", "counts (GET /workflows, /metrics) p99", counts.p99, "ms")

        // W1 serial beside nothing, then beside the retention purge.
        let chains = quick ? 100 : 1_000
        let alone = try await serialChains(harness, prefix: "alone", count: chains)
        // The engine's own purge (small transactions, paused between), as retention runs it,
        // with a cutoff that makes every built instance due.
        let purge = Task.detached { () throws -> (deleted: Int, seconds: Double) in
            let started = ContinuousClock.now
            let deleted = try await harness.engine.purgeFinished(endedBefore: Date().addingTimeInterval(-1))
            return (deleted, seconds(since: started))
        }
        let beside = try await serialChains(harness, prefix: "beside", count: chains)
        purge.cancel()
        let purged = try await purge.value
        await harness.stop()
        report.add("W10 scale", "purge rate (beside W1)", Double(purged.deleted) / max(purged.seconds, 0.001), "instances/s")
        report.add("W10 scale", "W1 serial instance p99 alone", alone.p99, "ms")
        report.add("W10 scale", "W1 serial instance p99 during the purge", beside.p99, "ms")
        report.add("W10 scale", "W1 p99 during ÷ alone", beside.p99 / alone.p99, "ratio", atMost: 2)
        report.note("W10 scale", "purged", ["instances": purged.deleted, "seconds": purged.seconds])
    }

    /// Runs `count` W1 chains one after another; their create-to-finish latencies.
    private static func serialChains(_ harness: EngineHarness, prefix: String, count: Int) async throws -> Samples {
        var samples = Samples()
        for index in 0..<count {
            let id = "\(prefix)-\(index)"
            let started = ContinuousClock.now
            _ = try await harness.engine.create("chain", id: id)
            _ = await harness.completions.wait(id)
            samples.add(seconds(since: started))
        }
        return samples
    }

    /// Inserts `count` complete instances of `chain`, each with its ten succeeded steps (each
    /// one first attempt, which the row implies: no attempt log), in transactions of 10,000 instances, without fsync (setup, not measured).
    private static func build(path: String, count: Int, base: Date) throws {
        var db: OpaquePointer?
        guard sqlite3_open(path, &db) == SQLITE_OK, let db else { throw BenchError("W10: cannot open \(path)") }
        defer { sqlite3_close(db) }
        func exec(_ sql: String) throws {
            guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else { throw BenchError("W10: \(sql.prefix(60)): \(String(cString: sqlite3_errmsg(db)))") }
        }
        func prepare(_ sql: String) throws -> OpaquePointer {
            var statement: OpaquePointer?
            guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else { throw BenchError("W10: prepare failed: \(String(cString: sqlite3_errmsg(db)))") }
            return statement
        }
        try exec("PRAGMA synchronous=OFF")
        let instance = try prepare("""
            INSERT INTO instances (rowid, workflow, id, status, params, output, trigger, created_at, started_at, ended_at, updated_at)
            VALUES (?, 'chain', ?, 'complete', CAST('{}' AS BLOB), CAST('45' AS BLOB), 'api', ?, ?, ?, ?)
            """)
        let step = try prepare("""
            INSERT INTO steps (instance, kind, name, count, seq, status, attempts, output, started_at, ended_at)
            VALUES (?, 'do', ?, 1, ?, 'succeeded', 1, ?, ?, ?)
            """)
        defer { [instance, step].forEach { sqlite3_finalize($0) } }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        func text(_ statement: OpaquePointer, _ index: Int32, _ value: String) {
            _ = value.withCString { sqlite3_bind_text(statement, index, $0, -1, transient) }
        }
        func run(_ statement: OpaquePointer) throws {
            guard sqlite3_step(statement) == SQLITE_DONE else { throw BenchError("W10: insert failed: \(String(cString: sqlite3_errmsg(db)))") }
            sqlite3_reset(statement)
        }
        let start = Int64(base.timeIntervalSince1970 * 1000)
        let progress = isatty(STDERR_FILENO) == 1
        for batch in stride(from: 0, to: count, by: 10_000) {
            try exec("BEGIN")
            for row in batch..<min(batch + 10_000, count) {
                // 50 ms apart, each taking 40 ms: 14 hours of history at 1,000,000, oldest first.
                let created = start + Int64(row) * 50
                sqlite3_bind_int64(instance, 1, Int64(row + 1))
                text(instance, 2, String(format: "w10-%07d", row))
                sqlite3_bind_int64(instance, 3, created)
                sqlite3_bind_int64(instance, 4, created)
                sqlite3_bind_int64(instance, 5, created + 40)
                sqlite3_bind_int64(instance, 6, created + 40)
                try run(instance)
                for index in 0..<10 {
                    let at = created + Int64(index) * 4
                    sqlite3_bind_int64(step, 1, Int64(row + 1))
                    text(step, 2, "s\(index)")
                    sqlite3_bind_int64(step, 3, Int64(index + 1))
                    let output = Array("{\"index\":\(index),\"ok\":true}".utf8)
                    _ = output.withUnsafeBytes { sqlite3_bind_blob(step, 4, $0.baseAddress, Int32($0.count), transient) }
                    sqlite3_bind_int64(step, 5, at)
                    sqlite3_bind_int64(step, 6, at + 4)
                    try run(step)
                }
            }
            try exec("COMMIT")
            if progress { FileHandle.standardError.write(Data("\rW10: building \(min(batch + 10_000, count)) of \(count) instances\u{1B}[K".utf8)) }
        }
        if progress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        try exec("PRAGMA wal_checkpoint(TRUNCATE)")
        let check = try prepare("SELECT COUNT(*), MIN(id), MAX(id) FROM instances")
        defer { sqlite3_finalize(check) }
        guard sqlite3_step(check) == SQLITE_ROW, sqlite3_column_int64(check, 0) == Int64(count) else {
            throw BenchError("W10: the built database holds \(sqlite3_column_int64(check, 0)) instances, not \(count)")
        }
    }
}
