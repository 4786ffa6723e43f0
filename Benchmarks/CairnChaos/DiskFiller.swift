import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A tmpfs of its own for the appliance's data directory, which the run fills up for a few
/// seconds at a time (a real ENOSPC from the kernel) and then frees. Mounting needs root or
/// CAP_SYS_ADMIN; `mount` answers `nil` where the machine does not allow it.
final class DiskFiller {
    let path: String
    private(set) var fills = 0

    private init(path: String) { self.path = path }

    static func mount(at path: String, bytes: Int) -> DiskFiller? {
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        guard run(["/bin/mount", "-t", "tmpfs", "-o", "size=\(bytes),mode=0700", "tmpfs", path]) else { return nil }
        return DiskFiller(path: path)
    }

    /// Writes a filler file until the file system is full.
    func fill() throws {
        fills += 1
        let filler = path + "/.chaos-filler"
        let fd = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw ChaosError("could not create \(filler): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let block = [UInt8](repeating: 0, count: 16 * 1024)
        while block.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
    }

    /// Frees what the filler took.
    func free() {
        unlink(path + "/.chaos-filler")
    }

    /// Copies the data out (for inspection after a failed run) and unmounts.
    func unmount(keepingCopyIn copy: String?) {
        free()
        if let copy { _ = Self.run(["/bin/cp", "-a", path, copy]) }
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
