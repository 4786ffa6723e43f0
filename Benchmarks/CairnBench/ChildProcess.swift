import Foundation
import Synchronization

/// This same executable started with other arguments; its stdout lines are collected.
final class ChildProcess: Sendable {
    let process: Process
    private let lines = Lines()

    final class Lines: Sendable {
        let value = Mutex<[String]>([])
    }

    init(arguments: [String], stderrTo path: String? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        if let path {
            FileManager.default.createFile(atPath: path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        }
        self.process = process
        let lines = self.lines
        // A reader thread: the pipe must be drained while the child runs.
        let reader = Thread {
            var pending = Data()
            while true {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { return }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 0x0A) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...newline)
                    lines.value.withLock { $0.append(line) }
                }
            }
        }
        try process.run()
        // Its CPU is the benchmark's own, not host noise.
        HostNoise.children.withLock { _ = $0.insert(process.processIdentifier) }
        reader.start()
    }

    var output: [String] { lines.value.withLock { $0 } }

    /// Waits until a line satisfies `matches`; returns it.
    func waitForLine(timeout: Duration = .seconds(60), _ matches: (String) -> Bool) async throws -> String {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < timeout {
            if let line = output.last(where: matches) { return line }
            if !process.isRunning, output.last(where: matches) == nil {
                throw BenchError("child \(process.arguments ?? []) exited (\(process.terminationStatus)) before printing the expected line")
            }
            try await Task.sleep(for: .milliseconds(1))
        }
        throw BenchError("child \(process.arguments ?? []) printed no expected line within \(timeout)")
    }

    func kill(_ signal: Int32) { Foundation.kill(process.processIdentifier, signal) }

    /// The CPU time the child has used so far, in seconds.
    var cpuSeconds: Double { HostNoise.cpuSeconds(of: process.processIdentifier) }

    func waitForExit() async {
        while process.isRunning { try? await Task.sleep(for: .milliseconds(5)) }
    }
}
