import CairnTesting
import Foundation

/// Runs the real `cairn` binary and captures its exit code and output.
enum CLI {
    struct Result {
        var code: Int32
        var out: String
        var err: String
    }

    static func binary() throws -> URL {
        try Executable.url(named: "cairn")
    }

    /// Runs the command to its end; a command still running after `timeout` (one that was
    /// expected to refuse and exit, say) is killed, and the result says so in `err`.
    static func run(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:],
                    timeout: Duration = .seconds(120)) async throws -> Result {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var env = ProcessInfo.processInfo.environment
        env["CAIRN_TOKEN"] = nil
        env["CAIRN_URL"] = nil
        env["CAIRN_CONFIG"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let pid = process.processIdentifier
        // A watchdog, so a command that never exits fails the test instead of hanging the run.
        // It and the blocking pipe reads run on GCD threads, not the cooperative pool: with
        // two cores that pool has two threads, and blocking both would stall every test.
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        let (seconds, attoseconds) = timeout.components
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(seconds * 1000 + attoseconds / 1_000_000_000_000_000)), execute: watchdog)
        defer { watchdog.cancel() }
        // Read both pipes to the end before waiting, so a chatty command cannot block on a full pipe.
        async let outData = readToEnd(out)
        async let errData = readToEnd(err)
        let (stdout, stderr) = await (outData, errData)
        process.waitUntilExit()
        var errText = String(decoding: stderr, as: UTF8.self)
        if process.terminationReason == .uncaughtSignal, process.terminationStatus == SIGKILL {
            errText += "\n[killed: still running after \(timeout)]"
        }
        return Result(code: process.terminationStatus, out: String(decoding: stdout, as: UTF8.self), err: errText)
    }

    private static func readToEnd(_ pipe: Pipe) async -> Data {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: pipe.fileHandleForReading.readDataToEndOfFile()) }
        }
    }
}
