import Foundation

/// Finds an executable of this package next to the running test binary (SwiftPM builds the
/// executables a test target depends on into the same directory).
public enum Executable {
    public static func url(named name: String) throws -> URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL,
            Bundle.main.bundleURL.deletingLastPathComponent(),
        ]
        for directory in candidates {
            let url = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        throw TestFailure("\(name) not found next to the test binary (looked in \(candidates.map(\.path)))")
    }
}
