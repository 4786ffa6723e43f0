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

    static func run(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]) async throws -> Result {
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
        // Read both pipes to the end before waiting, so a chatty command cannot block on a full pipe.
        async let outData = Task.detached { out.fileHandleForReading.readDataToEndOfFile() }.value
        async let errData = Task.detached { err.fileHandleForReading.readDataToEndOfFile() }.value
        let (stdout, stderr) = await (outData, errData)
        process.waitUntilExit()
        return Result(code: process.terminationStatus, out: String(decoding: stdout, as: UTF8.self), err: String(decoding: stderr, as: UTF8.self))
    }
}
