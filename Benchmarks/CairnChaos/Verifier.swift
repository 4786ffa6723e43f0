import Foundation
import GRDB

/// Checks the run's claims against Cairn's database, the ledger, the drop directory and what
/// the senders were told.
struct Verifier {
    let database: Database
    let inbox: String
    let timeline: Timeline
    let webhooks: WebhookSender.State
    let dropped: [String]
    /// Each dropped file's size as written.
    let sizes: [String: Int]
    let ledger: [LedgerServer.Entry]
    /// Completed steps' outputs as observed at each stop and at the end.
    let outputChanges: [String]
    /// `instance/step` → the first observation that found the step's result stored.
    let firstStored: [String: Date]
    let loadEnded: Date

    /// The steps of each chaos workflow whose bodies call the ledger.
    static let ledgerSteps = ["chaos-order": ["a", "flaky", "b"], "chaos-tick": ["a", "b"], "chaos-file": ["a", "b"]]

    /// The integrity check comes first: it must see the WAL as the appliance left it.
    func run() throws -> [Invariant] {
        let integrity = try integrityInvariant()
        return [try webhookInvariant(), try eventInvariant(), try dropInvariant(), try cronInvariant(), try finalInvariant(),
                outputInvariant(), ledgerInvariant(), try resultInvariant(), integrity]
    }

    func webhookInvariant() throws -> Invariant {
        let name = "webhooks: every 2xx has exactly one instance; every repeat answered with the original"
        var problems = webhooks.repeatMismatches + webhooks.unexpected.map { "unexpected answer: \($0)" }
        if !webhooks.unackedOrders.isEmpty { problems.append("\(webhooks.unackedOrders.count) orders never got a 2xx") }
        let counts = try database.read { db in
            try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT id, COUNT(*) AS n FROM instances WHERE workflow = 'chaos-order' GROUP BY id").map {
                ($0["id"] as String, $0["n"] as Int)
            })
        }
        for (order, instance) in webhooks.orders where counts[instance] != 1 {
            problems.append("order-\(order): \(counts[instance] ?? 0) instances named \(instance)")
        }
        if counts.count != webhooks.orders.count { problems.append("\(counts.count) chaos-order instances for \(webhooks.orders.count) acknowledged orders") }
        let detail = problems.isEmpty
            ? "\(webhooks.orders.count) orders acknowledged, \(counts.count) instances, \(webhooks.repeats) repeats answered with the original"
            : problems.prefix(5).joined(separator: "; ")
        return Invariant(name: name, passed: problems.isEmpty, detail: detail)
    }

    func eventInvariant() throws -> Invariant {
        let name = "events: every acknowledged approval was delivered exactly once"
        let (delivered, received) = try database.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM hook_deliveries WHERE hook = 'approvals' AND status BETWEEN 200 AND 299") ?? 0,
             try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM steps s JOIN instances i ON i.rowid = s.instance
                WHERE i.workflow = 'chaos-order' AND s.kind = 'waitForEvent' AND s.status = 'received'
                """) ?? 0)
        }
        // A received event leaves the inbox; one still there was delivered to no wait (or twice).
        let events = try database.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events WHERE type = 'approved'") ?? 0
        }
        var problems: [String] = []
        if delivered != webhooks.approvals.count { problems.append("\(delivered) approvals recorded for \(webhooks.approvals.count) acknowledged") }
        if received != webhooks.approvals.count { problems.append("\(received) waits received an approval for \(webhooks.approvals.count) acknowledged") }
        if events > 0 { problems.append("\(events) approval events still buffered, received by no wait") }
        return Invariant(name: name, passed: problems.isEmpty,
                         detail: problems.isEmpty ? "\(webhooks.approvals.count) approvals, each received once by its waiting step" : problems.joined(separator: "; "))
    }

    func dropInvariant() throws -> Invariant {
        let name = "drops: every dropped file processed exactly once, into done/ or failed/, none left in processing/"
        var problems: [String] = []
        let rows = try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT f.name, f.status, f.instance, f.size, i.status AS instance_status FROM drop_files f
                LEFT JOIN instances i ON i.workflow = 'chaos-file' AND i.id = f.instance WHERE f.drop_name = 'inbox'
                """).map { ($0["name"] as String, $0["status"] as String, $0["instance"] as String?, $0["size"] as Int?, $0["instance_status"] as String?) }
        }
        var byName: [String: [String]] = [:]
        for row in rows { byName[row.0, default: []].append(row.1) }
        // Each file's own step "a" ran for its instance with the file's name.
        var files: [String: Set<String>] = [:]
        for entry in ledger where entry.succeeded && entry.step == "a" { if let file = entry.file { files[entry.instance, default: []].insert(file) } }
        for (file, status, instance, size, instanceStatus) in rows where dropped.contains(file) {
            if status != "done" { problems.append("\(file): \(status), not done"); continue }
            guard let instance else { problems.append("\(file): done without an instance"); continue }
            if instanceStatus != "complete" { problems.append("\(file): its instance \(instance) is \(instanceStatus ?? "missing")") }
            if size != sizes[file] { problems.append("\(file): taken with \(size.map(String.init) ?? "no") bytes of the \(sizes[file] ?? 0) written (taken before the writer closed it?)") }
            if files[instance]?.contains(file) != true { problems.append("\(file): no recorded execution of its instance's step a for this file") }
        }
        let fileManager = FileManager.default
        let done = Set((try? fileManager.contentsOfDirectory(atPath: inbox + "/.cairn/done")) ?? [])
        let failed = Set((try? fileManager.contentsOfDirectory(atPath: inbox + "/.cairn/failed")) ?? [])
        let processing = (try? fileManager.contentsOfDirectory(atPath: inbox + "/.cairn/processing")) ?? []
        let left = ((try? fileManager.contentsOfDirectory(atPath: inbox)) ?? []).filter { !$0.hasPrefix(".") }
        for file in dropped {
            let statuses = byName[file] ?? []
            if statuses.count != 1 { problems.append("\(file): \(statuses.count) records (\(statuses.joined(separator: ",")))") }
            let inDone = done.contains { $0.hasSuffix(file) }, inFailed = failed.contains { $0.hasSuffix(file) }
            if inDone == inFailed { problems.append("\(file) is in \(inDone ? "both done/ and failed/" : "neither done/ nor failed/")") }
        }
        if !processing.isEmpty { problems.append("\(processing.count) files left in processing/: \(processing.prefix(3).joined(separator: ", "))") }
        if !left.isEmpty { problems.append("\(left.count) files never picked up: \(left.prefix(3).joined(separator: ", "))") }
        return Invariant(name: name, passed: problems.isEmpty,
                         detail: problems.isEmpty ? "\(dropped.count) files, \(done.count) in done/, \(failed.count) in failed/, 0 in processing/" : problems.prefix(5).joined(separator: "; "))
    }

    func cronInvariant() throws -> Invariant {
        let name = "cron: every tick in the window fired exactly one instance (catch_up = all), none doubled"
        // Whole minutes after the first start and at least 10 s before the load ended.
        let first = (timeline.startedAt.timeIntervalSince1970 / 60).rounded(.down) * 60 + 60
        let last = ((loadEnded.timeIntervalSince1970 - 10) / 60).rounded(.down) * 60
        let expected = stride(from: first, through: last, by: 60).map { Int64($0 * 1000) }
        let (ticks, instances) = try database.read { db in
            (try Row.fetchAll(db, sql: "SELECT tick, outcome, reason, instance FROM cron_ticks WHERE schedule = 'tick'").map {
                ($0["tick"] as Int64, $0["outcome"] as String, $0["reason"] as String?, $0["instance"] as String?)
            }, try Dictionary(grouping: String.fetchAll(db, sql: "SELECT id FROM instances WHERE workflow = 'chaos-tick'"), by: { $0 }).mapValues(\.count))
        }
        var problems: [String] = []
        let byTick = Dictionary(grouping: ticks, by: \.0)
        for tick in expected {
            guard let rows = byTick[tick], rows.count == 1, let row = rows.first else {
                problems.append("tick \(Date(timeIntervalSince1970: Double(tick) / 1000)): \(byTick[tick]?.count ?? 0) records")
                continue
            }
            if row.1 != "fired" { problems.append("tick \(Date(timeIntervalSince1970: Double(tick) / 1000)) \(row.1): \(row.2 ?? "no reason")") }
        }
        for row in ticks where row.1 == "fired" {
            guard let instance = row.3, instances[instance] == 1 else { problems.append("fired tick \(row.0) has \(row.3.flatMap { instances[$0] } ?? 0) instances"); continue }
        }
        let fired = ticks.filter { $0.1 == "fired" }.count
        if instances.count != fired { problems.append("\(instances.count) chaos-tick instances for \(fired) fired ticks") }
        // A run shorter than 70 s may hold no whole minute: then there is nothing to check, which must not pass silently.
        if expected.isEmpty { problems.append("no whole minute fell in the window, so no tick could be checked; run with --minutes 1.25 or more") }
        return Invariant(name: name, passed: problems.isEmpty,
                         detail: problems.isEmpty ? "\(expected.count) ticks in the window, \(fired) fired in all, \(instances.count) instances" : problems.prefix(5).joined(separator: "; "))
    }

    func finalInvariant() throws -> Invariant {
        let name = "instances: every instance reached a final state, and completed"
        let rows = try database.read { db in
            try Row.fetchAll(db, sql: "SELECT workflow, status, COUNT(*) AS n FROM instances GROUP BY workflow, status ORDER BY workflow, status").map {
                "\($0["workflow"] as String) \($0["status"] as String): \($0["n"] as Int)"
            }
        }
        let total = try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM instances") ?? 0 }
        let complete = try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM instances WHERE status = 'complete'") ?? 0 }
        return Invariant(name: name, passed: total == complete && total > 0,
                         detail: total == complete ? "\(total) instances, all complete" : "\(total - complete) of \(total) not complete: \(rows.joined(separator: ", "))")
    }

    func outputInvariant() -> Invariant {
        Invariant(name: "steps: no completed step's stored result changed between observations", passed: outputChanges.isEmpty,
                  detail: outputChanges.isEmpty ? "observed at every stop and at the end" : outputChanges.prefix(5).joined(separator: "; "))
    }

    func ledgerInvariant() -> Invariant {
        let name = "ledger: a step body ran more than once only where a kill or a full disk interrupted it"
        var successes: [String: [Date]] = [:]
        for entry in ledger where entry.succeeded { successes["\(entry.instance)/\(entry.step)", default: []].append(entry.at) }
        var reruns = 0
        var problems: [String] = []
        for (key, times) in successes where times.count > 1 {
            reruns += times.count - 1
            for (earlier, later) in zip(times, times.dropFirst()) {
                if let stored = firstStored[key], stored < later {
                    problems.append("\(key) ran again at \(later) although its result was seen stored at \(stored)")
                } else if !timeline.interrupted(between: earlier, and: later) {
                    problems.append("\(key) ran at \(earlier) and again at \(later) with no kill between")
                }
            }
        }
        let executions = ledger.filter(\.succeeded).count
        return Invariant(name: name, passed: problems.isEmpty,
                         detail: problems.isEmpty ? "\(executions) successful executions of \(successes.count) step bodies; \(reruns) re-runs, each across a kill or a full disk" : problems.prefix(5).joined(separator: "; "))
    }

    /// Every completed instance's ledger steps ran, and each stored result is the answer of
    /// the last successful execution of that step (each answer carries its execution's
    /// number): not an earlier one that a re-run should have replaced, not a made-up one.
    func resultInvariant() throws -> Invariant {
        let name = "results: every completed instance's steps ran, and each stored result is the last recorded execution's answer"
        var last: [String: Int] = [:]
        for entry in ledger where entry.succeeded { last["\(entry.instance)/\(entry.step)"] = max(last["\(entry.instance)/\(entry.step)"] ?? 0, entry.sequence) }
        var stored: [String: Data] = [:]
        for step in try database.storedSteps() { stored["\(step.instance)/\(step.name)"] = step.output }
        var problems: [String] = []
        var checked = 0
        for instance in try database.instances() where instance.status == "complete" {
            for step in Self.ledgerSteps[instance.workflow] ?? [] {
                let key = "\(instance.id)/\(step)"
                checked += 1
                guard let sequence = last[key] else { problems.append("\(key): complete, but the ledger holds no successful execution"); continue }
                guard let output = stored[key] else { problems.append("\(key): complete, but no stored result"); continue }
                guard let object = try? JSONSerialization.jsonObject(with: output) as? [String: Any], let body = object["body"] as? [String: Any],
                      let bodyInstance = body["instance"] as? String, let bodyStep = body["step"] as? String, let number = body["n"] as? Int
                else { problems.append("\(key): the stored result is not the ledger's answer: \(String(decoding: output.prefix(120), as: UTF8.self))"); continue }
                if bodyInstance != instance.id || bodyStep != step || number != sequence {
                    problems.append("\(key): the stored result is execution #\(number) of \(bodyInstance)/\(bodyStep); the last recorded execution is #\(sequence)")
                }
            }
        }
        if checked == 0 { problems.append("no completed instance to check") }
        return Invariant(name: name, passed: problems.isEmpty,
                         detail: problems.isEmpty ? "\(checked) step results, each the answer of its step's last recorded execution" : problems.prefix(5).joined(separator: "; "))
    }

    /// How many successful executions repeated an earlier successful one of the same step.
    static func reruns(_ ledger: [LedgerServer.Entry]) -> Int {
        var seen = Set<String>()
        var reruns = 0
        for entry in ledger where entry.succeeded && !seen.insert("\(entry.instance)/\(entry.step)").inserted { reruns += 1 }
        return reruns
    }

    /// The appliance was unavailable only when the harness made it so: every 503 and every
    /// unanswered request fell while it was stopped, restarting or on a full disk, and every
    /// restart was ready within 30 s.
    func availabilityInvariant(longestRestart: Double) -> Invariant {
        let name = "availability: 503s and unanswered requests only while stopped, restarting or on a full disk; restarts ready within 30 s"
        let stray503 = webhooks.unavailableAt.filter { !timeline.unavailable(from: $0.sent, to: $0.ended) }
        let strayUnanswered = webhooks.unansweredAt.filter { !timeline.unavailable(from: $0.sent, to: $0.ended) }
        func times(_ attempts: [WebhookSender.Attempt]) -> String {
            attempts.prefix(3).map { "\($0.request) sent \($0.sent), after \(String(format: "%.2f", $0.ended.timeIntervalSince($0.sent))) s" }.joined(separator: "; ")
        }
        var problems: [String] = []
        if !stray503.isEmpty { problems.append("\(stray503.count) 503s while the appliance should have been up (\(times(stray503)))") }
        if !strayUnanswered.isEmpty { problems.append("\(strayUnanswered.count) requests unanswered while the appliance should have been up (\(times(strayUnanswered)))") }
        if longestRestart > 30 { problems.append("the slowest restart took \(String(format: "%.1f", longestRestart)) s") }
        return Invariant(name: name, passed: problems.isEmpty,
                         detail: problems.isEmpty
                            ? "\(webhooks.unavailable) 503s and \(webhooks.unansweredAt.count) unanswered requests, all in those windows; slowest restart \(String(format: "%.1f", longestRestart)) s"
                            : problems.joined(separator: "; "))
    }

    func integrityInvariant() throws -> Invariant {
        let name = "database: integrity_check and foreign_key_check clean, no orphan steps, WAL checkpointed"
        // Measured before this check opens the file (which makes a WAL of its own).
        let walSize = (try? FileManager.default.attributesOfItem(atPath: database.path + "-wal")[.size] as? Int) ?? 0
        let (integrity, foreignKeys, orphans) = try database.read(readonly: false) { db in
            (try String.fetchAll(db, sql: "PRAGMA integrity_check"), try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count,
             // Steps carry no foreign key (schema v5): the engine keeps them tied to instances.
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM steps WHERE instance NOT IN (SELECT rowid FROM instances)") ?? 0)
        }
        var problems: [String] = []
        if integrity != ["ok"] { problems.append("integrity_check: \(integrity.prefix(3).joined(separator: "; "))") }
        if foreignKeys > 0 { problems.append("\(foreignKeys) foreign key violations") }
        if orphans > 0 { problems.append("\(orphans) steps of no instance") }
        if walSize > 0 { problems.append("the WAL holds \(walSize) bytes after the final shutdown") }
        return Invariant(name: name, passed: problems.isEmpty, detail: problems.isEmpty ? "ok, 0 violations, 0 orphan steps, WAL empty" : problems.joined(separator: "; "))
    }
}
