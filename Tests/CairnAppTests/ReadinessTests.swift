@testable import CairnApp
import CairnEngine
import CairnStore
import CairnTesting
import Foundation
import Testing

/// `/readyz` on a disk that fails or stalls (the store-level injector; a real full disk is in
/// the end-to-end DiskFaultTests): the answer comes in time and says why, and turns ready
/// again by itself.
@Suite struct ReadinessTests {
    @Test func aStalledDiskMakesReadinessAnswerUnreadyInTimeAndItRecovers() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("c.sqlite")
        let faulty = FaultyStore(try SQLiteStore(path: path))
        try await withTestEngine(store: faulty, register: { _ in }) { engine in
            try await Poll.until("the engine to run") { engine.isRunning }
            let healthy = await Appliance.readiness(engine: engine, store: faulty, path: path, timeout: .seconds(10))
            #expect(healthy.ready, "\(healthy.detail)")

            faulty.stallWrites()
            let started = ContinuousClock.now
            let stalled = await Appliance.readiness(engine: engine, store: faulty, path: path, timeout: .milliseconds(300))
            #expect(!stalled.ready && stalled.detail.contains("has not committed a write in"), "\(stalled.detail)")
            // Bounded by the 300 ms timeout; 30 s leaves room for a busy machine (a probe that waited
            // for the stall would never return before `resume()`).
            #expect(ContinuousClock.now - started < .seconds(30), "the probe waited for the stalled disk")

            faulty.resume()
            let recovered = await Appliance.readiness(engine: engine, store: faulty, path: path, timeout: .seconds(10))
            #expect(recovered.ready, "\(recovered.detail)")

            faulty.failWrites()
            let failing = await Appliance.readiness(engine: engine, store: faulty, path: path, timeout: .seconds(10))
            #expect(!failing.ready && failing.detail.contains("does not accept writes") && failing.detail.contains("Check free disk space"), "\(failing.detail)")
            faulty.heal()
        }
    }
}
