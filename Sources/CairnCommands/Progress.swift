import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A one-line progress counter on standard error, drawn only when standard error is a
/// terminal: a pipe or a log file stays quiet.
struct Progress {
    let label: String
    let total: Int
    let enabled: Bool

    init(_ label: String, total: Int, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.label = label
        self.total = total
        self.enabled = enabled
    }

    func update(_ done: Int) {
        guard enabled else { return }
        let percent = total == 0 ? 100 : done * 100 / total
        FileHandle.standardError.write(Data("\r\(label): \(done)/\(total) (\(percent)%)".utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
