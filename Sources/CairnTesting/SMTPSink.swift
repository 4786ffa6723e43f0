import Foundation

/// A real SMTP server for tests: `Tests/Support/smtp_sink.py` (aiosmtpd, Debian's
/// `python3-aiosmtpd`, which `scripts/setup` installs) on a free loopback port, writing each
/// accepted message, parsed by Python's `email` package, into a directory.
///
/// ```swift
/// let sink = try await SMTPSink.start(in: directory.path)
/// defer { sink.stop() }
/// // … send to 127.0.0.1:\(sink.port) …
/// let mail = try await sink.messages(count: 1)
/// ```
public final class SMTPSink: @unchecked Sendable {
    public let port: Int
    public let directory: String
    private let process: Process
    private let input: Pipe

    /// The Python that has aiosmtpd: Debian's, not a version manager's.
    static let python = "/usr/bin/python3"

    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Tests/Support/smtp_sink.py").path
    }

    private init(port: Int, directory: String, process: Process, input: Pipe) {
        self.port = port
        self.directory = directory
        self.process = process
        self.input = input
    }

    /// Starts a sink writing into `directory` (created if needed). `auth` requires AUTH with
    /// those credentials; `tls` (certificate and key PEM files) requires STARTTLS, or is TLS
    /// from the first byte with `implicitTLS`; `stall`
    /// leaves the first that many messages unanswered after their data.
    public static func start(in directory: String, auth: (user: String, password: String)? = nil, tls: (certificate: String, key: String)? = nil,
                             implicitTLS: Bool = false, stall: Int = 0) async throws -> SMTPSink {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw TestFailure("\(python) is missing; run scripts/setup (it installs python3-aiosmtpd)")
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        var arguments = [script, "--dir", directory, "--stall", "\(stall)"]
        if let auth { arguments += ["--auth", "\(auth.user):\(auth.password)"] }
        if let tls { arguments += ["--tls", "\(tls.certificate):\(tls.key)"] + (implicitTLS ? ["--implicit"] : []) }
        process.arguments = arguments
        let input = Pipe()
        process.standardInput = input
        let log = FileHandle(forWritingAtPath: "/dev/null")
        process.standardOutput = log
        let errors = directory + "/sink.log"
        _ = FileManager.default.createFile(atPath: errors, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: errors)
        try process.run()
        let ready = directory + "/ready"
        do {
            let port = try await Poll.value("the SMTP sink to listen (see \(errors))", timeout: .seconds(20)) { () -> Int? in
                if !process.isRunning { throw TestFailure("the SMTP sink exited: \((try? String(contentsOfFile: errors, encoding: .utf8)) ?? "")") }
                return (try? String(contentsOfFile: ready, encoding: .utf8)).flatMap { Int($0) }
            }
            return SMTPSink(port: port, directory: directory, process: process, input: input)
        } catch {
            process.terminate()
            throw error
        }
    }

    /// Stops the server (closing its stdin; a kill if it lingers).
    public func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    deinit { stop() }

    /// The messages received so far, oldest first (`stalled` for those left unanswered).
    public func received(stalled: Bool = false) throws -> [ReceivedMail] {
        let suffix = stalled ? ".stalled.json" : ".json"
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(suffix) && (stalled || !$0.hasSuffix(".stalled.json")) }.sorted()
        return try names.map { try JSONDecoder().decode(ReceivedMail.self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/" + $0))) }
    }

    /// Waits until at least `count` messages arrived and returns them.
    public func messages(count: Int, stalled: Bool = false, timeout: Duration = .seconds(20)) async throws -> [ReceivedMail] {
        try await Poll.value("\(count) message(s) at the SMTP sink", timeout: timeout, every: .milliseconds(20)) {
            let mails = try received(stalled: stalled)
            return mails.count >= count ? mails : nil
        }
    }
}
