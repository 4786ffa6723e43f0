import Foundation

/// Reads and writes a database file through Python's `sqlite3`, a separate process: what a
/// test uses to look at a database a store holds open (or to alter one as an older release
/// left it) without opening a second store.
public enum ExternalSQLite {
    /// The first column of the first row of `query` (with `?` bound to `arguments`) as text;
    /// empty when there is no row or it is NULL.
    public static func value(_ path: String, _ query: String, _ arguments: [String] = []) throws -> String {
        try python("r=c.execute(sys.argv[2], sys.argv[3:]).fetchone(); print('' if r is None or r[0] is None else r[0])", [path, query] + arguments)
    }

    /// Runs `script` (several statements) and commits.
    public static func execute(_ path: String, _ script: String) throws {
        _ = try python("c.executescript(sys.argv[2]); c.commit()", [path, script])
    }

    private static func python(_ body: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); " + body] + arguments
        let out = Pipe()
        let errors = Pipe()
        process.standardOutput = out
        process.standardError = errors
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestFailure("python3 sqlite3 on \(arguments.first ?? "?") failed: \(String(decoding: message, as: UTF8.self).suffix(500))")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
