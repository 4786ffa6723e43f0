import Foundation

/// An OpenAI-compatible embeddings server for tests (`Tests/Support/fake_embeddings.py`): the
/// real `POST /v1/embeddings` wire format, vectors from each input's characters, and
/// misbehaviour on demand (429s, a wrong count or dimension, HTML, each server's error shape).
/// Every request is recorded for the test to read.
public final class FakeEmbeddingServer: @unchecked Sendable {      // immutable after start; Process is thread-safe to signal
    public let port: Int
    public let directory: String
    private let process: Process
    private let input: Pipe

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    private init(port: Int, directory: String, process: Process, input: Pipe) {
        self.port = port
        self.directory = directory
        self.process = process
        self.input = input
    }

    /// Starts a server writing into `directory`; `arguments` are the script's flags
    /// (`--dims 8`, `--throttle 1`, `--wrong-count`, `--wrong-dims`, `--html`, `--error tei`).
    public static func start(in directory: String, arguments: [String] = []) async throws -> FakeEmbeddingServer {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Tests/Support/fake_embeddings.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [script, "--dir", directory] + arguments
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        let errors = directory + "/server.log"
        _ = FileManager.default.createFile(atPath: errors, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: errors)
        try process.run()
        do {
            let port = try await Poll.value("the fake embeddings server to listen (see \(errors))", timeout: .seconds(20)) { () -> Int? in
                if !process.isRunning { throw TestFailure("the fake embeddings server exited: \((try? String(contentsOfFile: errors, encoding: .utf8)) ?? "")") }
                return (try? String(contentsOfFile: directory + "/ready", encoding: .utf8)).flatMap { Int($0) }
            }
            return FakeEmbeddingServer(port: port, directory: directory, process: process, input: input)
        } catch {
            process.terminate()
            throw error
        }
    }

    /// The requests received so far, oldest first, as the server recorded them.
    public func requests() -> [[String: Any]] {
        let text = (try? String(contentsOfFile: directory + "/requests.jsonl", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
    }

    public func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    deinit { stop() }
}
