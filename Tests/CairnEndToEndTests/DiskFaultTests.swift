import CairnTesting
import Foundation
import Synchronization
import Testing

/// A disk that fills up under the real `cairn serve` (its data directory on a 4 MiB tmpfs):
/// writes answer 503 naming the disk, `/readyz` turns unready, nothing committed or
/// acknowledged is lost, and once space returns the appliance recovers without a restart.
@Suite struct DiskFaultTests {
    /// The mount made inside the config closure (which cannot throw), kept for the test.
    final class Mounted: Sendable {
        let value = Mutex<TmpfsMount?>(nil)
    }

    @Test(.enabled(if: TmpfsMount.available, "mounting a tmpfs needs root or CAP_SYS_ADMIN"))
    func aFullDiskRefusesWritesWith503AndTheApplianceRecoversWhenSpaceReturns() async throws {
        let mounted = Mounted()
        let serve = try await ServeProcess(config: { directory in
            mounted.value.withLock { $0 = TmpfsMount.mount(at: directory + "/data", bytes: 4 << 20) }
            return ServeProcess.seedConfig(directory: directory, pause: "2 seconds")
        })
        let disk = try #require(mounted.value.withLock { $0 })
        defer {
            serve.stop()
            disk.unmount()
        }
        for id in ["a1", "a2", "a3"] {
            let created = try await serve.request("POST", "/workflows/my-workflow/instances", body: #"{"id": "\#(id)"}"#)
            #expect(created.status == 201, "\(created.text)")
        }
        _ = try await serve.waitForInstance("my-workflow", "a1") { ($0["status"] as? String) == "complete" }
        // One instance mid-run (sleeping) when the disk fills.
        let sleeper = try await serve.request("POST", "/workflows/my-workflow/instances", body: #"{"id": "s1"}"#)
        #expect(sleeper.status == 201)
        _ = try await serve.waitForInstance("my-workflow", "s1") { ($0["status"] as? String) == "waiting" }

        try disk.fill()
        let padding = String(repeating: "x", count: 3000)
        var refused = 0
        var acknowledged: [String] = []
        for number in 0..<5 {
            let answer = try await serve.request("POST", "/workflows/my-workflow/instances", body: #"{"id": "full-\#(number)", "params": {"pad": "\#(padding)"}}"#)
            if answer.status == 503 {
                refused += 1
                #expect(answer.errorCode == "storage" && answer.errorMessage.contains("disk is full") && answer.errorMessage.contains("Check free disk space"), "\(answer.text)")
            } else {
                #expect(answer.status == 201, "neither committed nor refused: \(answer.status) \(answer.text)")
                if answer.status == 201 { acknowledged.append("full-\(number)") }
            }
        }
        #expect(refused > 0, "a full disk refused nothing")
        let unready = try await serve.request("GET", "/readyz", token: .some(nil))
        #expect(unready.status == 503 && unready.text.contains("disk is full"), "\(unready.text)")
        #expect(serve.logText().contains("database or disk is full"), "no log line says why")

        // Space returns: no restart, the appliance is ready again and takes writes.
        try disk.free()
        try await Poll.until("/readyz to answer 200 again", timeout: .seconds(20)) {
            (try? await serve.request("GET", "/readyz", token: .some(nil)))?.status == 200
        }
        let after = try await serve.request("POST", "/workflows/my-workflow/instances", body: #"{"id": "after"}"#)
        #expect(after.status == 201, "\(after.text)")
        // Everything acknowledged finishes, the sleeper too; what was refused does not exist.
        for id in ["a1", "a2", "a3", "s1", "after"] + acknowledged {
            _ = try await serve.waitForInstance("my-workflow", id, timeout: .seconds(60)) { ($0["status"] as? String) == "complete" }
        }
        let stored = try serve.sqlite("SELECT group_concat(id, ',') FROM (SELECT id FROM instances WHERE id LIKE 'full-%' ORDER BY id)")
        #expect(stored == acknowledged.joined(separator: ","), "stored \(stored) for acknowledged \(acknowledged)")
        #expect(acknowledged.count == 5 - refused)
        #expect(try serve.sqlite("PRAGMA integrity_check") == "ok")
        #expect(serve.process.isRunning)
    }
}
