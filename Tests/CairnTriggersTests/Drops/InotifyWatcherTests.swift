@testable import CairnTriggers
import CairnTesting
import Foundation
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The inotify watcher on a real directory: closed and renamed-in files arrive as names,
/// repeats coalesce, and a watch it cannot set up is an error that says why.
@Suite struct InotifyWatcherTests {
    @Test func closedAndRenamedFilesArriveOnceEachAndOpenOnesDoNot() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let rings = Atomic<Int>(0)
        let watcher = try InotifyWatcher(directory: directory.path) { rings.add(1, ordering: .relaxed) }
        defer { watcher.stop() }
        try Data("a".utf8).write(to: URL(fileURLWithPath: directory.file("written.csv")))
        try Data("b".utf8).write(to: URL(fileURLWithPath: directory.file("written.csv")))
        let open = Glibc.open(directory.file("open.csv"), O_CREAT | O_WRONLY, 0o644)
        defer { close(open) }
        try Data("c".utf8).write(to: URL(fileURLWithPath: directory.file("staged.part")))
        #expect(rename(directory.file("staged.part"), directory.file("renamed.csv")) == 0)
        var names = Set<String>()
        try await Poll.until("both names arrive") {
            names.formUnion(watcher.take().names.map(\.display))
            return names.isSuperset(of: ["written.csv", "renamed.csv"])
        }
        #expect(!names.contains("open.csv"))
        #expect(rings.load(ordering: .relaxed) >= 1)
    }

    @Test func aPathThatIsNotADirectoryCannotBeWatchedAndSaysWhy() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Data("x".utf8).write(to: URL(fileURLWithPath: directory.file("plain")))
        #expect(throws: InotifyWatcher.Failure.self) { try InotifyWatcher(directory: directory.file("plain")) {} }
        let error = try #require(throws: InotifyWatcher.Failure.self) { try InotifyWatcher(directory: directory.file("missing")) {} }
        #expect(error.description.contains("cannot watch") && error.description.contains("missing"))
    }
}
