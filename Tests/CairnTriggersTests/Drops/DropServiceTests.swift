import Cairn
import CairnEngine
import CairnStore
import CairnTesting
@testable import CairnTriggers
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The drop service on a real directory with real inotify, a real database and engine:
/// each complete file starts one instance, exactly once, and moves on when it finishes.
@Suite struct DropServiceTests {
    @Test func aClosedFileStartsOneInstanceWithItsFieldsAndMovesToDone() async throws {
        let harness = try DropHarness()
        defer { harness.remove() }
        try await harness.run([try harness.drop()]) { _, engine, store in
            try harness.write("orders.csv", "a,b\n1,2\n")
            try await Poll.until("the file is done") { try store.dropRows().first?.status == .done }
            let row = try #require(try store.dropRows().first)
            let instance = try #require(row.instance)
            let view = try engine.instance("reader", id: instance)
            #expect(view.status == .complete && view.trigger == "drop:inbox")
            let output = try #require(view.output)
            #expect(output["text"] == "a,b\n1,2\n")
            #expect(output["params"]?["name"] == "orders.csv" && output["params"]?["size"] == .int(8))
            #expect(output["params"]?["sha256"] == "492d5ea496056f1a6a6592241032fab764c321596317930b4fa0e1e8bc3b7470")     // printf 'a,b\n1,2\n' | sha256sum
            #expect(output["params"]?["path"]?.stringValue?.hasPrefix(harness.inbox + "/.cairn/processing/drop-inbox-") == true)
            #expect(harness.list() == [".cairn"])
            #expect(harness.list("done") == ["\(instance)-orders.csv"])
            #expect(row.stored == "done/\(instance)-orders.csv" && row.size == 8)
        }
    }

    @Test func aFileWrittenSlowlyIsTakenOnceWhenClosedAndARenamedOneWhenRenamed() async throws {
        let harness = try DropHarness()
        defer { harness.remove() }
        // Scans every second with a settle shorter than the pauses between pieces: only the
        // still-open check keeps the scan from taking the file half-written.
        try await harness.run([try harness.drop(settle: .milliseconds(200), scan: .seconds(1))]) { _, _, store in
            // Held open while written in pieces over about 1.5 s (longer than settle).
            let descriptor = open("\(harness.inbox)/slow.csv", O_CREAT | O_WRONLY | O_EXCL, 0o644)
            #expect(descriptor >= 0)
            for piece in 0..<6 {
                let line = Array("line \(piece)\n".utf8)
                #expect(Glibc.write(descriptor, line, line.count) == line.count)
                try await Task.sleep(for: .milliseconds(250))
            }
            #expect(try store.dropRows().isEmpty, "taken while still open for writing")
            close(descriptor)
            // Written under a .part name, then renamed into place.
            try harness.write("big.csv.part", "x\ny\n")
            #expect(rename("\(harness.inbox)/big.csv.part", "\(harness.inbox)/big.csv") == 0)
            try await Poll.until("both files done") { try store.dropRows().filter { $0.status == .done }.count == 2 }
            let rows = try store.dropRows()
            #expect(rows.count == 2)
            #expect(Set(rows.map(\.name)) == ["slow.csv", "big.csv"])
            #expect(rows.first { $0.name == "slow.csv" }?.size == 42)
        }
    }

    @Test func aThousandFilesDroppedAtOnceGiveExactlyAThousandInstances() async throws {
        let harness = try DropHarness()
        defer { harness.remove() }
        try await harness.run([try harness.drop()]) { _, engine, store in
            for index in 0..<1000 { try harness.write("f\(index).txt", "file \(index)\n") }
            try await Poll.until("1000 files done", timeout: .seconds(60)) { try store.dropRows().filter { $0.status == .done }.count == 1000 }
            #expect(try store.dropRows().count == 1000)
            #expect(harness.list("done").count == 1000)
            #expect(harness.list("processing").isEmpty && harness.list() == [".cairn"])
            let instances = try engine.instances("reader", limit: 2000)
            #expect(instances.count == 1000)
        }
    }

    @Test func ignoredNamesStayAndLinksFIFOsAndOversizeFilesAreRefusedToFailed() async throws {
        let harness = try DropHarness()
        defer { harness.remove() }
        let outside = harness.root.file("outside.txt")
        try Data("secret".utf8).write(to: URL(fileURLWithPath: outside))
        try await harness.run([try harness.drop(scan: .seconds(1), maxFileBytes: 10)]) { _, _, store in
            for name in [".hidden", "a.tmp", "b.part", "c.crdownload", "d~"] { try harness.write(name, "x") }
            #expect(symlink(outside, "\(harness.inbox)/link.txt") == 0)
            #expect(mkfifo("\(harness.inbox)/pipe.txt", 0o600) == 0)
            #expect(link(outside, "\(harness.inbox)/hard.txt") == 0)
            try harness.write("large.txt", "more than ten bytes")
            try harness.write("ok.txt", "fine")
            try await Poll.until("four refused, one done") {
                let rows = try store.dropRows()
                return rows.filter { $0.status == .failed }.count == 4 && rows.contains { $0.status == .done }
            }
            let refused = try store.dropRows().filter { $0.status == .failed }
            #expect(Set(refused.map(\.name)) == ["link.txt", "pipe.txt", "hard.txt", "large.txt"])
            #expect(refused.allSatisfy { $0.instance == nil && $0.detail != nil })
            #expect(refused.first { $0.name == "link.txt" }?.detail?.contains("symbolic link") == true)
            #expect(harness.list() == [".cairn", ".hidden", "a.tmp", "b.part", "c.crdownload", "d~"])
            #expect(harness.list("failed").count == 4)
            // The link was moved, never followed: the file it pointed at is untouched.
            #expect(try String(contentsOfFile: outside, encoding: .utf8) == "secret")
        }
    }

    @Test func theSameNameDroppedTwiceAfterTheFirstFinishedIsProcessedTwice() async throws {
        let harness = try DropHarness()
        defer { harness.remove() }
        try await harness.run([try harness.drop()]) { _, _, store in
            try harness.write("daily.csv", "monday\n")
            try await Poll.until("first done") { try store.dropRows().filter { $0.status == .done }.count == 1 }
            try harness.write("daily.csv", "tuesday\n")
            try await Poll.until("second done") { try store.dropRows().filter { $0.status == .done }.count == 2 }
            let rows = try store.dropRows()
            #expect(Set(rows.compactMap(\.instance)).count == 2)
            #expect(harness.list("done").count == 2)
        }
    }

    @Test func anErroredInstanceMovesItsFileToFailed() async throws {
        let harness = try DropHarness()
        defer { harness.remove() }
        try await harness.run([try harness.drop(workflow: "failer")]) { _, _, store in
            try harness.write("bad.csv", "x")
            try await Poll.until("failed") { try store.dropRows().first?.status == .failed }
            let row = try #require(try store.dropRows().first)
            #expect(row.instance != nil && row.stored?.hasPrefix("failed/") == true)
            #expect(harness.list("failed").count == 1)
        }
    }

    @Test func contentDedupeSkipsASecondFileWithTheSameBytes() async throws {
        let harness = try DropHarness()
        defer { harness.remove() }
        try await harness.run([try harness.drop(dedupe: .content)]) { _, engine, store in
            try harness.write("a.csv", "same\n")
            try await Poll.until("first done") { try store.dropRows().first?.status == .done }
            try harness.write("b.csv", "same\n")
            try await Poll.until("duplicate recorded") { try store.dropRows().contains { $0.status == .duplicate } }
            let duplicate = try #require(try store.dropRows().first { $0.status == .duplicate })
            #expect(duplicate.name == "b.csv" && duplicate.instance == nil && duplicate.stored?.hasPrefix("done/") == true)
            #expect(try engine.instances("reader").count == 1)
        }
    }

    @Test func namesWithNewlinesOrInvalidUTF8AreTakenAndShownEscaped() async throws {
        let harness = try DropHarness()
        defer { harness.remove() }
        try await harness.run([try harness.drop()]) { _, engine, store in
            try harness.write("two\nlines.csv", "a\n")
            var path = Array("\(harness.inbox)/bad".utf8) + [0xFF, 0xFE] + Array(".csv".utf8)
            path.append(0)
            let descriptor = path.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) } }
            #expect(descriptor >= 0)
            _ = Glibc.write(descriptor, "b\n", 2)
            close(descriptor)
            try await Poll.until("both done") { try store.dropRows().filter { $0.status == .done }.count == 2 }
            let names = Set(try store.dropRows().map(\.name))
            #expect(names == ["two\\nlines.csv", "bad\\xff\\xfe.csv"])
            for row in try store.dropRows() {
                let view = try engine.instance("reader", id: try #require(row.instance))
                #expect(view.status == .complete, "\(row.name): \(String(describing: view.error))")
            }
        }
    }

    @Test func retentionDeletesDoneFilesPastKeepDone() async throws {
        let harness = try DropHarness()
        defer { harness.remove() }
        try await harness.run([try harness.drop()]) { _, _, store in
            try harness.write("old.csv", "x\n")
            try await Poll.until("done") { try store.dropRows().first?.status == .done }
        }
        #expect(harness.list("done").count == 1)
        // The next start applies a retention of a millisecond: the file goes, and its row
        // with it (no dedupe needs it).
        try await harness.run([try harness.drop(keepDone: .milliseconds(1))]) { _, _, store in
            try await Poll.until("deleted") { harness.list("done").isEmpty }
            try await Poll.until("row purged") { try store.dropRows().isEmpty }
        }
    }

    @Test func aPatternTakesOnlyMatchingNames() async throws {
        let harness = try DropHarness()
        defer { harness.remove() }
        try await harness.run([try harness.drop(pattern: "*.csv")]) { _, _, store in
            try harness.write("notes.txt", "skip me")
            try harness.write("data.csv", "take me")
            try await Poll.until("csv done") { try store.dropRows().first?.status == .done }
            #expect(try store.dropRows().map(\.name) == ["data.csv"])
            #expect(harness.list() == [".cairn", "notes.txt"])
        }
    }
}
