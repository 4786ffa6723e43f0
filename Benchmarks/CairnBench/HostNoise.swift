import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// How quiet the machine was: the share of its CPU that went to processes other than this
/// benchmark and its children while a workload ran (from `/proc/stat`, steal time included,
/// so a busy hypervisor counts), and the median of a 4 KiB write + `fdatasync` on the file
/// system the workloads use. Kernel threads doing this process's I/O count as foreign, so
/// the share can only overstate the noise.
enum HostNoise {
    /// A workload above this foreign share is flagged as noisy.
    static let threshold = 0.10

    /// The benchmark's child processes (W4's and W5's), whose CPU is not foreign.
    static let children = Mutex<Set<Int32>>([])

    struct Sample {
        /// All CPU time of the machine, and the part not idle (jiffies).
        var total: UInt64
        var busy: UInt64
        /// This process, its reaped children and its live children.
        var own: UInt64
    }

    static func sample() -> Sample {
        var total: UInt64 = 0
        var busy: UInt64 = 0
        // cpu  user nice system idle iowait irq softirq steal guest guest_nice
        if let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8), let line = stat.split(separator: "\n").first {
            let fields = line.split(separator: " ").dropFirst().prefix(8).map { UInt64($0) ?? 0 }
            if fields.count == 8 {
                total = fields.reduce(0, +)
                busy = total - fields[3] - fields[4]
            }
        }
        var own = ticks(of: "self", includingReaped: true)
        for pid in children.withLock({ $0 }) { own += ticks(of: String(pid), includingReaped: false) }
        return Sample(total: total, busy: busy, own: own)
    }

    /// The share of the machine's CPU (0...1) used by others between two samples.
    static func foreignShare(from start: Sample, to end: Sample) -> Double {
        let total = Double(end.total &- start.total)
        guard total > 0 else { return 0 }
        let busy = Double(end.busy &- start.busy)
        let own = Double(end.own) - Double(start.own)
        return max(0, min(1, (busy - own) / total))
    }

    /// The CPU time a running process has used so far (user + system), in seconds.
    static func cpuSeconds(of pid: Int32) -> Double {
        Double(ticks(of: "\(pid)", includingReaped: false)) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// utime + stime (+ cutime + cstime) of a process, in clock ticks; 0 once it is gone.
    private static func ticks(of pid: String, includingReaped: Bool) -> UInt64 {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = text.lastIndex(of: ")") else { return 0 }
        // After "pid (comm)": state is field 3, utime 14, stime 15, cutime 16, cstime 17.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 14 else { return 0 }
        let value = { (field: Int) in UInt64(fields[field - 3]) ?? 0 }
        return value(14) + value(15) + (includingReaped ? value(16) + value(17) : 0)
    }

    /// The median time, in milliseconds, of writing 4 KiB and `fdatasync`ing it, `count`
    /// times, in `directory`.
    static func fsyncProbe(directory: String, count: Int = 50) throws -> Double {
        let path = "\(directory)/fsync-probe-\(UUID().uuidString.prefix(6))"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw BenchError("fsync probe: cannot create \(path): errno \(errno)") }
        defer {
            close(fd)
            unlink(path)
        }
        let block = [UInt8](repeating: 0x61, count: 4096)
        var samples = Samples()
        for index in 0..<count {
            let start = ContinuousClock.now
            let written = block.withUnsafeBytes { pwrite(fd, $0.baseAddress, 4096, off_t(index * 4096)) }
            guard written == 4096, fdatasync(fd) == 0 else { throw BenchError("fsync probe: write or fdatasync failed: errno \(errno)") }
            samples.add(seconds(since: start))
        }
        return samples.p50
    }
}
