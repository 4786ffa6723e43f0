import Cairn
import CairnEngine
import CairnStore
import CairnTesting
@testable import CairnTriggers
import Foundation
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Start-up reconciles `.cairn/processing/` with the ledger both ways: the states a crash
/// leaves behind end with every file processed once.
@Suite struct DropReconcileTests {
    @Test func aFileDroppedWhileStoppedIsTakenAtStartByTheScan() async throws {
        let harness = try DropHarness()
        defer { harness.remove() }
        try harness.write("early.csv", "waiting since before start\n")
        try await harness.run([try harness.drop(settle: .milliseconds(200))]) { _, _, store in
            try await Poll.until("taken at start") { try store.dropRows().first?.status == .done }
            #expect(try store.dropRows().map(\.name) == ["early.csv"])
        }
    }

    @Test func aClaimedFileWithoutAnInstanceGetsItsInstanceAtStart() async throws {
        let harness = try DropHarness()
        defer { harness.remove() }
        // What a crash right after the claim's rename leaves: the file in processing/, no
        // instance, no ledger row.
        try harness.write("orphan.csv", "claimed, then the process died\n")
        let info = try #require(FileInfo.of(Array("\(harness.inbox)/orphan.csv".utf8CString)))
        let id = DropService.instanceID(drop: "inbox", info)
        try FileManager.default.createDirectory(atPath: "\(harness.inbox)/.cairn/processing", withIntermediateDirectories: true)
        #expect(rename("\(harness.inbox)/orphan.csv", "\(harness.inbox)/.cairn/processing/\(id)-orphan.csv") == 0)
        try await harness.run([try harness.drop()]) { _, engine, store in
            try await Poll.until("the orphan is done") { try store.dropRows().first?.status == .done }
            let rows = try store.dropRows()
            #expect(rows.map(\.instance) == [id])
            #expect(try engine.instances("reader").map(\.id) == [id])
            #expect(harness.list("done") == ["\(id)-orphan.csv"] && harness.list("processing").isEmpty)
        }
        // A second start finds nothing left to do and starts nothing twice.
        try await harness.run([try harness.drop()]) { service, engine, store in
            try await Poll.until("the first pass of the second start") { service.runtimes["inbox"]?.state.withLock { $0.passes } ?? 0 >= 1 }
            #expect(try store.dropRows().count == 1)
            #expect(try engine.instances("reader").count == 1)
        }
    }

    @Test func anInstanceWhoseFileVanishedIsErroredWithAClearMessage() async throws {
        let harness = try DropHarness()
        defer { harness.remove() }
        let claimed = Mutex("")
        try await harness.run([try harness.drop(workflow: "waiter")]) { _, engine, store in
            try harness.write("doomed.csv", "x")
            try await Poll.until("claimed") { try store.dropRows().first?.status == .processing }
            let instance = try #require(try store.dropRows().first?.instance)
            claimed.withLock { $0 = instance }
            _ = try await engine.waitFor("waiter", id: instance) { $0.status == .waiting }
        }
        // While the appliance is down, someone deletes the claimed file.
        for name in harness.list("processing") { try FileManager.default.removeItem(atPath: "\(harness.inbox)/.cairn/processing/\(name)") }
        let id = claimed.withLock { $0 }
        try await harness.run([try harness.drop(workflow: "waiter")]) { _, engine, store in
            try await Poll.until("errored") { try engine.instance("waiter", id: id).status == .errored }
            let view = try engine.instance("waiter", id: id)
            #expect(view.error?.name == "DroppedFileVanished")
            #expect(view.error?.message.contains("vanished from") == true)
            try await Poll.until("row failed") { try store.dropRows().first?.status == .failed }
        }
    }

    @Test func anInstanceThatFinishedWhileItsMoveWasLostMovesItsFileAtStart() async throws {
        let harness = try DropHarness()
        defer { harness.remove() }
        let claimed = Mutex("")
        try await harness.run([try harness.drop(workflow: "waiter")]) { _, engine, store in
            try harness.write("late.csv", "x")
            try await Poll.until("claimed") { try store.dropRows().first?.status == .processing }
            let instance = try #require(try store.dropRows().first?.instance)
            claimed.withLock { $0 = instance }
            _ = try await engine.waitFor("waiter", id: instance) { $0.status == .waiting }
        }
        // Finished by an engine with no drop service (as if the process died before the move).
        let id = claimed.withLock { $0 }
        let store = try SQLiteStore(path: harness.database, migrations: DropService.migrations)
        try await withTestEngine(store: store, clock: SystemClock(), register: { try $0.register(WaitsForApproval(), as: "waiter") }) { engine in
            try await engine.sendEvent("waiter", id: id, type: "approved", payload: Data("{}".utf8))
            _ = try await engine.waitForCompletion("waiter", id: id)
        }
        #expect(harness.list("processing").count == 1)
        try await harness.run([try harness.drop(workflow: "waiter")]) { _, _, store in
            try await Poll.until("done") { try store.dropRows().first?.status == .done }
            #expect(harness.list("processing").isEmpty && harness.list("done").count == 1)
        }
    }
}

/// What the directory and `.cairn/` may turn into while the appliance runs.
@Suite struct DropStateTests {
    @Test func aDirectoryMovedAwayAndBackErrorsNothingAndALinkedCairnIsNeverFollowed() async throws {
        let harness = try DropHarness()
        defer { harness.remove() }
        try await harness.run([try harness.drop(workflow: "waiter", scan: .seconds(1))]) { service, engine, store in
            let runtime = try #require(service.runtimes["inbox"])
            try harness.write("held.csv", "x")
            try await Poll.until("claimed") { try store.dropRows().first?.status == .processing }
            let instance = try #require(try store.dropRows().first?.instance)
            _ = try await engine.waitFor("waiter", id: instance) { $0.status == .waiting }
            // Away for a pass or more: nothing may read as vanished.
            let skippedBefore = runtime.state.withLock { $0.skipped }
            #expect(rename(harness.inbox, harness.root.file("away")) == 0)
            try await Poll.until("a pass skipped") { runtime.state.withLock { $0.skipped } > skippedBefore }
            #expect(rename(harness.root.file("away"), harness.inbox) == 0)
            let passes = runtime.state.withLock { $0.passes }
            try await Poll.until("a pass after the return") { runtime.state.withLock { $0.passes } > passes }
            #expect(try engine.instance("waiter", id: instance).status == .waiting)
            #expect(try store.dropRows().first?.status == .processing)

            // .cairn replaced by a symlink to a look-alike elsewhere: no file is claimed.
            let elsewhere = harness.root.file("elsewhere")
            for area in ["processing", "done", "failed"] { try FileManager.default.createDirectory(atPath: "\(elsewhere)/\(area)", withIntermediateDirectories: true) }
            #expect(rename("\(harness.inbox)/.cairn", harness.root.file("real-cairn")) == 0)
            #expect(symlink(elsewhere, "\(harness.inbox)/.cairn") == 0)
            let skipped = runtime.state.withLock { $0.skipped }
            try harness.write("lured.csv", "y")
            try await Poll.until("a pass refused") { runtime.state.withLock { $0.skipped } > skipped + 1 }
            #expect(harness.list().contains("lured.csv"))
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: "\(elsewhere)/processing")) ?? []).isEmpty)
        }
    }
}

@Suite struct DropInstanceIDTests {
    @Test func theDropOfAnInstanceIsReadExactlyEvenWhenOneNamePrefixesAnother() {
        #expect(DropService.dropName(of: "drop-a-0123456789abcdef") == "a")
        #expect(DropService.dropName(of: "drop-a-b-0123456789abcdef") == "a-b")
        #expect(DropService.dropName(of: "drop-a-b-xyz") == nil)
        #expect(DropService.dropName(of: "hook-a-0123456789abcdef") == nil)
    }
}
