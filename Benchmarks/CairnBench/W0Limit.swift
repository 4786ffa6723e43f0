import Foundation
import GRDBSQLite

/// W0: the disk's own limit through the raw SQLite C API, on the same file system with the
/// engine's settings (WAL, synchronous=FULL): one-row write transactions, then 100-row ones.
enum W0Limit {
    struct Result {
        var oneRowPerSecond: Double
        var hundredRowTransactionsPerSecond: Double
    }

    static func run(directory: String, quick: Bool, report: Report?) throws -> Result {
        let path = "\(directory)/w0-\(UUID().uuidString.prefix(6)).sqlite"
        var db: OpaquePointer?
        guard sqlite3_open(path, &db) == SQLITE_OK, let db else { throw BenchError("W0: cannot open \(path)") }
        defer { sqlite3_close(db) }
        try exec(db, "PRAGMA journal_mode=WAL")
        try exec(db, "PRAGMA synchronous=FULL")
        try exec(db, "CREATE TABLE rows (id INTEGER PRIMARY KEY, instance INTEGER NOT NULL, body TEXT NOT NULL)")
        var insert: OpaquePointer?
        guard sqlite3_prepare_v2(db, "INSERT INTO rows (instance, body) VALUES (?, ?)", -1, &insert, nil) == SQLITE_OK, let insert else {
            throw BenchError("W0: prepare failed")
        }
        defer { sqlite3_finalize(insert) }
        let body = #"{"step":"s1","status":"succeeded","output":{"i":1,"ok":true}}"#

        func insertRow(_ index: Int) throws {
            sqlite3_bind_int64(insert, 1, Int64(index))
            _ = body.withCString { sqlite3_bind_text(insert, 2, $0, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self)) }
            guard sqlite3_step(insert) == SQLITE_DONE else { throw BenchError("W0: insert failed: \(String(cString: sqlite3_errmsg(db)))") }
            sqlite3_reset(insert)
        }

        let single = quick ? 2_000 : 10_000
        var start = ContinuousClock.now
        for index in 0..<single {
            try exec(db, "BEGIN IMMEDIATE")
            try insertRow(index)
            try exec(db, "COMMIT")
        }
        let oneRow = Double(single) / seconds(since: start)

        let batches = quick ? 50 : 200
        start = ContinuousClock.now
        for batch in 0..<batches {
            try exec(db, "BEGIN IMMEDIATE")
            for row in 0..<100 { try insertRow(batch * 100 + row) }
            try exec(db, "COMMIT")
        }
        let hundred = Double(batches) / seconds(since: start)
        if let report {
            report.add("W0", "one-row txn/s", oneRow, "txn/s")
            report.add("W0", "100-row txn/s", hundred, "txn/s")
            report.add("W0", "100-row rows/s", hundred * 100, "rows/s")
            report.note("W0", "transactions", ["one_row": single, "hundred_row": batches])
        }
        return Result(oneRowPerSecond: oneRow, hundredRowTransactionsPerSecond: hundred)
    }

    private static func exec(_ db: OpaquePointer, _ sql: String) throws {
        guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else {
            throw BenchError("W0: \(sql) failed: \(String(cString: sqlite3_errmsg(db)))")
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
