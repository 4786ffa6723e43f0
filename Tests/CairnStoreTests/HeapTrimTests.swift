@testable import CairnStore
import CairnTesting
import Testing

/// Opening a store sets glibc's trim and mmap thresholds (through `mallopt`, found at run
/// time): a silent failure would bring back the per-statement heap churn W5 measured.
@Suite struct HeapTrimTests {
    @Test func openingAStoreAppliesTheHeapThresholds() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStore(path: dir.file("c.sqlite"))
        store.close()
        #if os(Linux)
        #expect(HeapTrim.applied)
        #endif
    }
}
