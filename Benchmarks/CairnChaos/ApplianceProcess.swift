import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// The real `cairn serve` under test: started on the run's config, killed, drained and
/// restarted on the same data directory. Its output goes to `serve.log` (appended across
/// restarts, each start marked).
final class ApplianceProcess {
    let binary: URL
    let configPath: String
    let logPath: String
    let port: Int
    let environment: [String: String]
    private(set) var process: Process?
    private(set) var starts = 0
    /// Exits the harness did not cause (a crash, an abort, a fatal error): each a failure.
    private(set) var unexpectedExits: [String] = []
    /// How the last stopped process ended (`"exit 0"`, `"signal 9"`).
    private(set) var lastExit = ""
    /// Set while the harness stops the process: its end is expected.
    private var stopping = false
    /// The longest time from a stop to ready again, in seconds.
    private(set) var longestRestart: Double = 0

    init(binary: URL, configPath: String, logPath: String, port: Int, environment: [String: String]) {
        self.binary = binary
        self.configPath = configPath
        self.logPath = logPath
        self.port = port
        self.environment = environment
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
    }

    /// Starts it and waits until `/readyz` answers 200.
    func start() async throws {
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        starts += 1
        log.write(Data("--- cairn-chaos: start \(starts) at \(Date())\n".utf8))
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--config", configPath]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = log
        process.standardError = log
        try process.run()
        // The child has its own copy of the descriptor.
        try? log.close()
        self.process = process
        stopping = false
        lastExit = ""
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                noteExit()
                throw ChaosError("cairn serve exited with status \(process.terminationStatus) while starting; see \(logPath)")
            }
            if await ready() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ChaosError("cairn serve was not ready within 60 s; see \(logPath)")
    }

    /// Whether `/readyz` answers 200.
    func ready() async -> Bool { await readiness()?.status == 200 }

    /// `/readyz`'s status and body, or `nil` without an answer.
    func readiness() async -> (status: Int, body: String)? {
        guard let url = URL(string: "http://127.0.0.1:\(port)/readyz") else { return nil }
        var request = URLRequest(url: url)
        request.timeoutInterval = 2
        guard let (data, response) = try? await URLSession.shared.data(for: request), let http = response as? HTTPURLResponse else { return nil }
        return (http.statusCode, String(decoding: data, as: UTF8.self))
    }

    /// Sends `signal` and waits for the process to end (escalating to SIGKILL after `grace`);
    /// returns whether it ended within the grace.
    @discardableResult
    func stop(_ signal: Int32, grace: Duration = .seconds(20)) async -> Bool {
        guard let process, process.isRunning else {
            // Already gone: an end the harness did not cause (recorded), not a clean stop.
            noteExit()
            return false
        }
        stopping = true
        kill(process.processIdentifier, signal)
        let deadline = ContinuousClock.now + grace
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        guard process.isRunning else {
            lastExit = Self.describe(process)
            return true
        }
        kill(process.processIdentifier, SIGKILL)
        while process.isRunning { try? await Task.sleep(for: .milliseconds(10)) }
        lastExit = Self.describe(process)
        return false
    }

    /// Records an end the harness did not cause, once, if the process is gone.
    func noteExit() {
        guard let process, !process.isRunning, !stopping else { return }
        stopping = true
        lastExit = Self.describe(process)
        unexpectedExits.append("start \(starts) ended by itself at \(Date()) (\(lastExit)); see \(logPath)")
    }

    /// Whether the last stop ended with exit status 0 (a clean drain).
    var exitedCleanly: Bool { lastExit == "exit 0" }

    /// Records how long a restart took, from the stop to ready.
    func noteRestart(seconds: Double) { longestRestart = max(longestRestart, seconds) }

    /// Kills the process without waiting (the harness is failing and must not leave it behind).
    func killNow() {
        guard let process, process.isRunning else { return }
        stopping = true
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    private static func describe(_ process: Process) -> String {
        process.terminationReason == .uncaughtSignal ? "signal \(process.terminationStatus)" : "exit \(process.terminationStatus)"
    }

    var isRunning: Bool { process?.isRunning ?? false }
}
