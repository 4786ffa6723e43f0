import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// W5: POSTs creating instances on a running appliance (a child process running exactly what
/// `cairn serve` runs, with the sample config's workflow) at 32 concurrent connections.
enum W5Ingest {
    static func run(directory: String, quick: Bool, report: Report) async throws {
        let token = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        let data = "\(directory)/w5"
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
            """
        try config.write(toFile: "\(data)/cairn.toml", atomically: true, encoding: .utf8)
        let server = try ChildProcess(arguments: ["serve-child", "--config", "\(data)/cairn.toml"], stderrTo: "\(data)/serve.log")
        defer { server.kill(SIGKILL) }
        let portLine = try await server.waitForLine { $0.hasPrefix("port ") }
        guard let port = Int(portLine.dropFirst(5)) else { throw BenchError("W5: no port from the server") }

        let body = "{}"
        let request = "POST /workflows/my-workflow/instances HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        let seconds = quick ? 3 : 10
        let outcome = await Task.detached {
            LoadClient.run(port: port, connections: 32, duration: .seconds(seconds), request: request)
        }.value

        let stored = try await instanceCount(port: port, token: token)
        server.kill(SIGTERM)
        await server.waitForExit()
        report.add("W5 ingest", "acknowledged/s", Double(outcome.acknowledged) / Double(seconds), "req/s", atLeast: 4_000)
        report.add("W5 ingest", "latency p50", outcome.latencies.p50, "ms")
        report.add("W5 ingest", "latency p99", outcome.latencies.p99, "ms", atMost: 20)
        report.add("W5 ingest", "refused", Double(outcome.refused), "requests")
        report.check("W5 ingest", "created = acknowledged", stored == outcome.acknowledged && outcome.errors.isEmpty,
                     "\(stored)/\(outcome.acknowledged)\(outcome.errors.isEmpty ? "" : " errors: \(outcome.errors.prefix(2))")")
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
