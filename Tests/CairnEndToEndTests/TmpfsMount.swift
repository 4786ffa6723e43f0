import CairnTesting
import Foundation

/// A small tmpfs mounted for a test, so "the disk is full" is a real ENOSPC from the kernel.
/// Mounting needs root (or CAP_SYS_ADMIN); where the machine does not allow it, `available`
/// is false and the tests that need one are skipped (the store-level fault injector covers
/// the same paths in CairnEngineTests).
final class TmpfsMount: Sendable {
    let path: String

    private init(path: String) { self.path = path }

    /// Mounts a tmpfs of `bytes` (owner-only) on `path`, creating the directory; `nil` when
    /// this machine does not allow it.
    static func mount(at path: String, bytes: Int) -> TmpfsMount? {
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        guard run(["/bin/mount", "-t", "tmpfs", "-o", "size=\(bytes),mode=0700", "tmpfs", path]) else { return nil }
        return TmpfsMount(path: path)
    }

    /// Whether this machine lets a test mount one (checked once, by trying).
    static let available: Bool = {
        guard let directory = try? TemporaryDirectory(prefix: "cairn-e2e-tmpfs-probe") else { return false }
        defer { directory.remove() }
        guard let probe = mount(at: directory.file("m"), bytes: 1 << 20) else { return false }
        probe.unmount()
        return true
    }()

    /// Writes a filler file until the file system is full.
    func fill() throws {
        let filler = path + "/filler"
        guard FileManager.default.createFile(atPath: filler, contents: nil) else { throw TestFailure("could not create \(filler)") }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: filler))
        defer { try? handle.close() }
        let block = Data(count: 16 * 1024)
        while (try? handle.write(contentsOf: block)) != nil {}
    }

    /// Frees the space the filler took.
    func free() throws {
        try FileManager.default.removeItem(atPath: path + "/filler")
    }

    /// Unmounts (lazily, so a process still using it does not block the test).
    func unmount() {
        _ = Self.run(["/bin/umount", "-l", path])
    }

    private static func run(_ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
