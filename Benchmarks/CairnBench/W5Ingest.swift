import CairnTriggers
import Foundation
import GRDBSQLite
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// W5: POSTs creating instances on a running appliance (a child process running exactly what
/// `cairn serve` runs, with the sample config's workflow) at 32 concurrent connections; then,
/// in the same run, Standard-Webhooks-signed deliveries with distinct IDs to a `create` hook.
enum W5Ingest {
    /// Acknowledged requests per second: creating instances, the HTTP stack's own ceiling
    /// (a route of the same server that touches no database), and signed deliveries.
    struct Rates {
        var ingest: Double
        var limit: Double
        var signed: Double
    }

    static func run(directory: String, quick: Bool, report: Report) async throws -> Rates {
        let token = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        let key = (0..<32).map { _ in UInt8.random(in: 0...255) }
        let secret = "whsec_" + Data(key).base64EncodedString()
        let data = "\(directory)/w5-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try #"{"result":{"ipv4_cidrs":["10.0.0.0/8","192.168.0.0/16"]}}"#.write(toFile: "\(data)/ips.json", atomically: true, encoding: .utf8)
        let config = """
            [server]
            host = "127.0.0.1"
            port = 0
            [storage]
            path = "\(data)/cairn.sqlite"
            [auth]
            token = "\(token)"
            [log]
            level = "info"
            [[workflows]]
            name = "my-workflow"
            type = "seed-example"
            [workflows.options]
            source = "\(data)/ips.json"
            [[hooks]]
            name = "ingest"
            scheme = "standard"
            secrets = ["\(secret)"]
            action = "create"
            workflow = "my-workflow"
            """
        try config.write(toFile: "\(data)/cairn.toml", atomically: true, encoding: .utf8)
        let server = try ChildProcess(arguments: ["serve-child", "--config", "\(data)/cairn.toml"], stderrTo: "\(data)/serve.log")
        defer { server.kill(SIGKILL) }
        let portLine = try await server.waitForLine { $0.hasPrefix("port ") }
        guard let port = Int(portLine.dropFirst(5)) else { throw BenchError("W5: no port from the server") }

        let seconds = quick ? 3 : 10
        // W5-limit: the same client, connections and server, on `/healthz` (no database, no
        // token check): what the HTTP stack alone answers on this machine.
        let probe = Array("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n\r\n".utf8)
        // The server's own CPU per answered request in each phase says where the ratio goes
        // (the load client shares the machine, so requests/s alone mixes both).
        // The load client's own CPU likewise: a signed delivery costs the client its HMAC.
        let client = getpid()
        var cpu = [server.cpuSeconds]
        var clientCPU = [HostNoise.cpuSeconds(of: client)]
        let limit = await Task.detached {
            LoadClient.run(port: port, connections: 32, duration: .seconds(seconds), acknowledged: 200) { _, _ in probe }
        }.value
        cpu.append(server.cpuSeconds)
        clientCPU.append(HostNoise.cpuSeconds(of: client))

        let body = "{}"
        let request = "POST /workflows/my-workflow/instances HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        let outcome = await Task.detached {
            LoadClient.run(port: port, connections: 32, duration: .seconds(seconds), request: request)
        }.value
        cpu.append(server.cpuSeconds)
        clientCPU.append(HostNoise.cpuSeconds(of: client))

        let stored = try await instanceCount(port: port, token: token)

        // The same appliance, signed deliveries: each with its own webhook-id and signature.
        let prepared = HMACKey(key)
        let signed = await Task.detached {
            LoadClient.run(port: port, connections: 32, duration: .seconds(seconds), acknowledged: 202) { connection, n in
                Self.signedDelivery(connection: connection, n: n, key: prepared)
            }
        }.value
        cpu.append(server.cpuSeconds)
        clientCPU.append(HostNoise.cpuSeconds(of: client))
        // Microseconds of CPU (the appliance's in `cpu`, the client's in `clientCPU`) per acknowledged request in `phase`.
        func perRequest(_ phase: Int, _ acknowledged: Int, of samples: [Double]) -> Double {
            acknowledged > 0 ? (samples[phase + 1] - samples[phase]) / Double(acknowledged) * 1e6 : 0
        }
        let storedAfter = try await instanceCount(port: port, token: token)
        server.kill(SIGTERM)
        await server.waitForExit()
        let deliveries = try rawCount("\(data)/cairn.sqlite", "SELECT COUNT(*) FROM hook_deliveries WHERE outcome = 'created'")
        let plainRate = Double(outcome.acknowledged) / Double(seconds)
        let signedRate = Double(signed.acknowledged) / Double(seconds)
        report.add("W5 signed webhooks", "acknowledged/s", signedRate, "req/s")
        report.add("W5 signed webhooks", "latency p50", signed.latencies.p50, "ms")
        report.add("W5 signed webhooks", "latency p99", signed.latencies.p99, "ms", atMost: 20)
        report.add("W5 signed webhooks", "server CPU per request", perRequest(2, signed.acknowledged, of: cpu), "µs")
        report.add("W5 signed webhooks", "client CPU per request", perRequest(2, signed.acknowledged, of: clientCPU), "µs")
        report.check("W5 signed webhooks", "deliveries = acknowledged = created", deliveries == signed.acknowledged
                     && storedAfter - stored == signed.acknowledged && signed.errors.isEmpty && signed.refused == 0,
                     "\(deliveries)/\(signed.acknowledged)/\(storedAfter - stored), refused \(signed.refused)")
        report.add("W5 ingest", "acknowledged/s", plainRate, "req/s")
        report.add("W5 ingest", "latency p50", outcome.latencies.p50, "ms")
        report.add("W5 ingest", "latency p99", outcome.latencies.p99, "ms", atMost: 20)
        report.add("W5 ingest", "refused", Double(outcome.refused), "requests")
        report.add("W5 ingest", "server CPU per request", perRequest(1, outcome.acknowledged, of: cpu), "µs")
        report.add("W5 ingest", "client CPU per request", perRequest(1, outcome.acknowledged, of: clientCPU), "µs")
        report.check("W5 ingest", "created = acknowledged", stored == outcome.acknowledged && outcome.errors.isEmpty,
                     "\(stored)/\(outcome.acknowledged)\(outcome.errors.isEmpty ? "" : " errors: \(outcome.errors.prefix(2))")")
        let limitRate = Double(limit.acknowledged) / Double(seconds)
        report.add("W5-limit", "answered/s (GET /healthz)", limitRate, "req/s")
        report.add("W5-limit", "latency p50", limit.latencies.p50, "ms")
        report.add("W5-limit", "latency p99", limit.latencies.p99, "ms")
        report.add("W5-limit", "server CPU per request", perRequest(0, limit.acknowledged, of: cpu), "µs")
        report.add("W5-limit", "client CPU per request", perRequest(0, limit.acknowledged, of: clientCPU), "µs")
        report.check("W5-limit", "every request answered 200", limit.errors.isEmpty && limit.refused == 0, "refused \(limit.refused), errors \(limit.errors.prefix(2))")
        return Rates(ingest: plainRate, limit: limitRate, signed: signedRate)
    }

    /// One Standard Webhooks delivery: `webhook-id`, `webhook-timestamp`, and the base64
    /// HMAC-SHA256 of `id.timestamp.body` under the decoded secret.
    static func signedDelivery(connection: Int, n: Int, key: HMACKey) -> [UInt8] {
        let id = "msg_\(connection)_\(n)"
        let timestamp = Int(Date().timeIntervalSince1970)
        let body = #"{"order":\#(n),"connection":\#(connection)}"#
        let tag = key.mac(Data("\(id).\(timestamp).\(body)".utf8))
        let request = "POST /hooks/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "webhook-id: \(id)\r\nwebhook-timestamp: \(timestamp)\r\nwebhook-signature: v1,\(Data(tag).base64EncodedString())\r\n"
            + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
        return Array(request.utf8)
    }

    /// A count read with SQLite's C API directly (the appliance has stopped; the store's lock
    /// is gone).
    static func rawCount(_ path: String, _ sql: String) throws -> Int {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK, let db else { throw BenchError("W5: cannot open \(path)") }
        defer { sqlite3_close(db) }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else { throw BenchError("W5: cannot query \(path)") }
        defer { sqlite3_finalize(statement) }
        guard sqlite3_step(statement) == SQLITE_ROW else { return -1 }
        return Int(sqlite3_column_int64(statement, 0))
    }

    private static func instanceCount(port: Int, token: String) async throws -> Int {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/workflows")!)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let (data, _) = try await URLSession.shared.data(for: request)
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let workflow = (json?["workflows"] as? [[String: Any]])?.first
        return (workflow?["instances"] as? [String: Int])?.values.reduce(0, +) ?? -1
    }
}
