#if canImport(Glibc)
import Glibc
#endif

/// Stops glibc from handing heap memory back to the kernel after every SQLite statement.
///
/// Each write statement that fires a trigger opens a statement journal (a 64 KiB in-memory
/// chunk) and each `IN (…)` list an ephemeral table; freeing them leaves more than glibc's
/// default trim threshold (128 KiB) free at the top of the writer's arena, so glibc trims it
/// (`madvise`, a TLB shoot-down on every core) and the next statement faults the pages back
/// in. perf put that churn at 11.6 % of the server's CPU while creating instances (W5). With
/// a 16 MiB threshold an arena keeps up to that much free memory for reuse; larger frees
/// still go back. Process-wide, applied once, before the first store opens.
enum HeapTrim {
    static let trimThreshold: Int32 = 16 << 20
    /// Setting the trim threshold also stops glibc from raising the mmap threshold (128 KiB
    /// by default) as it sees large blocks freed, which then map and unmap every block above
    /// it, each unmap another shoot-down; 4 MiB keeps the blocks SQLite's temporary pagers
    /// and NIO's buffers use in the arenas.
    static let mmapThreshold: Int32 = 4 << 20

    static let applied: Bool = {
        #if canImport(Glibc)
        // `mallopt` is in <malloc.h>, which the Glibc module does not export; glibc's own
        // symbol and parameter numbers (M_TRIM_THRESHOLD -1, M_MMAP_THRESHOLD -3) are stable ABI.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        return mallopt(-1, trimThreshold) == 1 && mallopt(-3, mmapThreshold) == 1
        #else
        return false
        #endif
    }()
}
