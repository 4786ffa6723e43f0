import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Drops files into the watched directory the three ways senders do: written in one go,
/// written slowly in pieces (the watcher must wait for the close), and written elsewhere
/// then renamed into place. Every file's content is unique, so none is a duplicate.
struct FileDropper {
    let inbox: String
    let staging: String
    private(set) var dropped: [String] = []
    /// Each dropped file's size in bytes.
    private(set) var sizes: [String: Int] = [:]

    init(inbox: String, staging: String) throws {
        self.inbox = inbox
        self.staging = staging
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
    }

    /// Drops file number `number`; returns its name.
    mutating func drop(_ number: Int, _ random: inout SplitMix64) async throws {
        let name = "f-\(number).txt"
        let content = Data("file \(number): \(String(repeating: "chaos ", count: Int(random.next() % 200)))\n".utf8)
        switch random.next() % 3 {
        case 0:
            try content.write(to: URL(fileURLWithPath: inbox + "/" + name))
        case 1:
            // In three pieces, 150 ms apart, through one descriptor opened once (a create
            // and a reopen would close the empty file first, which a watcher rightly takes).
            let fd = open(inbox + "/" + name, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            guard fd >= 0 else { throw ChaosError("could not create \(name) in \(inbox): \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            let third = max(1, content.count / 3)
            for start in stride(from: 0, to: content.count, by: third) {
                let piece = content[start..<min(content.count, start + third)]
                let written = piece.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                guard written == piece.count else { throw ChaosError("could not write \(name): \(String(cString: strerror(errno)))") }
                try await Task.sleep(for: .milliseconds(150))
            }
        default:
            try content.write(to: URL(fileURLWithPath: staging + "/" + name))
            guard rename(staging + "/" + name, inbox + "/" + name) == 0 else { throw ChaosError("could not rename \(name) into \(inbox): \(String(cString: strerror(errno)))") }
        }
        dropped.append(name)
        sizes[name] = content.count
    }
}
