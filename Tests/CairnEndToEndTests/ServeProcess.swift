import CairnTesting
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real `cairn serve` process on a free loopback port (`--port 0`, read back from its JSON
/// log), with its own temporary data directory. Killed on `stop()`.
final class ServeProcess: @unchecked Sendable {
    // @unchecked: `process` and `port` are set once before the value is shared; Process is thread-safe for signalling.
    let directory: TemporaryDirectory
    let configPath: String
    let logPath: String
    private(set) var process: Process
    private(set) var port = 0
    /// A command that execs `cairn` (its path and arguments follow), e.g. `prlimit --nofile=…`.
    let launcher: [String]

    /// Writes the config made for a fresh directory (TOML) and starts `cairn serve` on it.
    init(config: (String) -> String, extraArguments: [String] = [], environment: [String: String] = [:], launcher: [String] = []) async throws {
        directory = try TemporaryDirectory(prefix: "cairn-e2e")
        configPath = directory.file("cairn.toml")
        logPath = directory.file("serve.log")
        self.launcher = launcher
        try config(directory.path).write(toFile: configPath, atomically: true, encoding: .utf8)
        process = Process()
        try await start(extraArguments: extraArguments, environment: environment)
    }

    /// A config for the seed example whose data file and database live in the directory.
    static func seedConfig(directory: String, pause: String = "1 second", source: String? = nil, extra: String = "", server: String = "") -> String {
        """
        [server]
        host = "127.0.0.1"
        port = 8787
        max_body_bytes = 4096
        \(server)

        [storage]
        path = "\(directory)/data/cairn.sqlite"

        [engine]
        suspend_after = "1 second"
        shutdown_grace = "10 seconds"
        \(extra)

        [log]
        level = "debug"

        [[workflows]]
        name = "my-workflow"
        type = "seed-example"
        [workflows.options]
        source = "\(source ?? directory + "/ips.json")"
        pause = "\(pause)"
        """
    }

    static let sampleIPs = #"{"result":{"ipv4_cidrs":["10.0.0.0/8","192.168.0.0/16","172.16.0.0/12"]}}"#

    /// Starts (or restarts, after a stop) the process on the same directory.
    func start(extraArguments: [String] = [], environment: [String: String] = [:]) async throws {
        if !FileManager.default.fileExists(atPath: directory.file("ips.json")) {
            try Self.sampleIPs.write(toFile: directory.file("ips.json"), atomically: true, encoding: .utf8)
        }
        try? FileManager.default.removeItem(atPath: logPath)
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let process = Process()
        let arguments = ["serve", "--config", configPath, "--port", "0", "--log-format", "json"] + extraArguments
        if let command = launcher.first {
            process.executableURL = URL(fileURLWithPath: command)
            process.arguments = Array(launcher.dropFirst()) + [try CLI.binary().path] + arguments
        } else {
            process.executableURL = try CLI.binary()
            process.arguments = arguments
        }
        process.currentDirectoryURL = URL(fileURLWithPath: directory.path)
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new } }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardError = log
        process.standardOutput = log
        try process.run()
        self.process = process
        port = try await waitForPort()
    }

    private func waitForPort() async throws -> Int {
        try await Poll.value("cairn serve listening (log:\n\(logText()))", timeout: .seconds(30)) {
            for line in logLines() where line["message"] as? String == "listening" {
                if let text = line["port"] as? String, let port = Int(text) { return port }
            }
            if !process.isRunning {
                throw TestFailure("cairn serve exited with \(process.terminationStatus) before listening:\n\(logText())")
            }
            return nil
        }
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    var token: String {
        (try? String(contentsOfFile: directory.file("data/api-token"), encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    }

    func logText() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// The JSON log lines written so far.
    func logLines() -> [[String: Any]] {
        logText().split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
    }

    /// The first column of the first row of a query on the appliance's database, read through
    /// a connection of the test's own (``ExternalSQLite``; the appliance holds the store's lock):
    /// as text, untrimmed, and a failed query throws (poll with `try?`).
    func sqlite(_ query: String) throws -> String {
        try ExternalSQLite.value(directory.file("data/cairn.sqlite"), query)
    }

    /// Every table's rows as text (except `health`, which `/readyz` rewrites, and SQLite's
    /// own bookkeeping), to compare before and after something that must change nothing.
    func databaseSnapshot() throws -> String {
        try ExternalSQLite.snapshot(directory.file("data/cairn.sqlite"), excluding: ["health"])
    }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for the process to exit; returns its status.
    func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
        try await Poll.until("cairn serve exiting (log:\n\(logText()))", timeout: timeout) { !process.isRunning }
        return process.terminationStatus
    }

    /// Kills the process (if still running) and removes the directory.
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        directory.remove()
    }

    // MARK: HTTP

    struct Reply {
        var status: Int
        var body: Data
        var headers: [String: String]
        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])) as? [String: Any]) ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
        var errorMessage: String { (json["error"] as? [String: Any])?["message"] as? String ?? "" }
    }

    /// Sends a request with the appliance's token unless `token` says otherwise.
    func request(_ method: String, _ path: String, body: String? = nil, contentType: String? = "application/json",
                 token: String?? = .none, headers extra: [String: String] = [:]) async throws -> Reply {
        var request = URLRequest(url: URL(string: baseURL + path)!, timeoutInterval: 30)
        request.httpMethod = method
        for (name, value) in extra { request.setValue(value, forHTTPHeaderField: name) }
        let bearer: String? = switch token { case .none: self.token; case .some(let given): given }
        if let bearer { request.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = Data(body.utf8)
            if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        var headers: [String: String] = [:]
        for (key, value) in http?.allHeaderFields ?? [:] { headers["\(key)".lowercased()] = "\(value)" }
        return Reply(status: http?.statusCode ?? 0, body: data, headers: headers)
    }

    /// Polls an instance until `condition` holds on its JSON (real time: the process runs on its own clock).
    func waitForInstance(_ workflow: String, _ id: String, timeout: Duration = .seconds(30),
                         until condition: ([String: Any]) -> Bool) async throws -> [String: Any] {
        var last: [String: Any] = [:]
        return try await Poll.value("instance \(id) reaching the expected state (last: \(last))", timeout: timeout, every: .milliseconds(25)) {
            last = try await request("GET", "/workflows/\(workflow)/instances/\(id)").json
            return condition(last) ? last : nil
        }
    }
}
