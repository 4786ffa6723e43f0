import Cairn
import CairnApp
import CairnStock
import CairnTesting
import CairnTriggers
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `[[drops]]` entries: every key is read, and every mistake is refused with the file, the
/// line of the offending key and what to write instead.
@Suite struct DropConfigTests {
    /// The count-lines workflow on lines 1-3, then the drop from line 4 (`[[drops]]`), its
    /// name on line 5.
    private func config(_ directory: String, _ rest: String) -> String {
        "[[workflows]]\nname = \"count\"\ntype = \"count-lines\"\n[[drops]]\nname = \"inbox\"\ndirectory = \"\(directory)\"\nworkflow = \"count\"\n\(rest)"
    }

    private func build(_ text: String) throws -> Appliance {
        try Appliance.build(config: ConfigLoader.parse(text, source: "x.toml"), configure: StockWorkflows.configure)
    }

    @Test func aFullEntryKeepsEveryField() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let appliance = try build(config(directory.path, """
            pattern = "*.{csv,tsv}"
            params = { region = "eu" }
            settle = "5 seconds"
            scan_interval = "1 minute"
            keep_done = "1 day"
            keep_failed = "forever"
            max_file_bytes = 1024
            batch = 10
            dedupe = "content"
            dedupe_window = "2 days"
            """))
        let drop = try #require(appliance.config.drops.first)
        #expect(drop.name == "inbox" && drop.directory == directory.path && drop.workflow == "count")
        #expect(drop.pattern?.source == "*.{csv,tsv}" && drop.params == ["region": "eu"])
        #expect(drop.settle == .seconds(5) && drop.scanInterval == .seconds(60))
        #expect(drop.keepDone == .seconds(86_400) && drop.keepFailed == nil)
        #expect(drop.maxFileBytes == 1024 && drop.batch == 10 && drop.dedupe == .content && drop.dedupeWindow == .seconds(2 * 86_400))
    }

    @Test func defaultsAreTheDocumentedOnes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let drop = try #require(try build(config(directory.path, "")).config.drops.first)
        #expect(drop.pattern == nil && drop.settle == .seconds(2) && drop.scanInterval == .seconds(30))
        #expect(drop.keepDone == .seconds(7 * 86_400) && drop.keepFailed == nil && drop.maxFileBytes == 1 << 30 && drop.batch == 100 && drop.dedupe == .none)
    }

    static let mistakes: [(String, Int, [String])] = [
        ("pattern = \"[abc\"", 8, ["pattern = \"[abc\" is not a valid glob", "never closed"]),
        ("pattern = \"{,}\"", 8, ["matches no name"]),
        ("dedupe = \"name\"", 8, ["dedupe = \"name\" is not a mode", "\"content\""]),
        ("dedupe_window = \"1 day\"", 8, ["dedupe_window applies only with dedupe = \"content\""]),
        ("batch = 0", 8, ["batch = 0 must be from 1 to 10000"]),
        ("settle = \"soon\"", 8, ["settle = \"soon\" is not a duration"]),
        ("keep_done = \"later\"", 8, ["keep_done = \"later\" is not a duration", "\"forever\""]),
        ("params = { path = \"/x\" }", 8, ["params.path is set by Cairn for every file"]),
        ("scan_interval = \"100 milliseconds\"", 8, ["scan_interval must be at least 1 second"]),
        ("direktory = \"/x\"", 8, ["Unknown key 'direktory'", "Did you mean 'directory'?"]),
    ]

    @Test(arguments: mistakes)
    func mistakesAreRefusedOnTheirLine(rest: String, line: Int, mentions: [String]) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let error = try #require(throws: ConfigError.self) { try build(config(directory.path, rest)) }
        #expect(error.description.hasPrefix("x.toml:\(line): "), "\(error)")
        for text in mentions { #expect(error.description.contains(text), "\(text) missing in: \(error)") }
    }

    @Test func theDirectoryMustExistBeADirectoryAndBeWritable() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let missing = try #require(throws: ConfigError.self) { try build(config(directory.file("nope"), "")) }
        #expect(missing.description.hasPrefix("x.toml:6: ") && missing.description.contains("does not exist") && missing.description.contains("mkdir -p"), "\(missing)")
        try "x".write(toFile: directory.file("file"), atomically: true, encoding: .utf8)
        let notDirectory = try #require(throws: ConfigError.self) { try build(config(directory.file("file"), "")) }
        #expect(notDirectory.description.contains("is not a directory"), "\(notDirectory)")
        try FileManager.default.createDirectory(atPath: directory.file("d/.cairn"), withIntermediateDirectories: true)
        try FileManager.default.removeItem(atPath: directory.file("d/.cairn"))
        #expect(symlink("/tmp", directory.file("d/.cairn")) == 0)
        let linked = try #require(throws: ConfigError.self) { try build(config(directory.file("d"), "")) }
        #expect(linked.description.contains(".cairn exists but is not a directory"), "\(linked)")
    }

    @Test func oneDirectoryUnderTwoSpellingsOrInsideAnotherDropsCairnIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.createDirectory(atPath: directory.file("d/.cairn/done"), withIntermediateDirectories: true)
        #expect(symlink(directory.file("d"), directory.file("link")) == 0)
        func second(_ path: String) -> String {
            config(directory.file("d"), "") + "[[drops]]\nname = \"second\"\ndirectory = \"\(path)\"\nworkflow = \"count\"\n"
        }
        for spelling in [directory.file("d") + "//", directory.path + "/./d", directory.file("link")] {
            let error = try #require(throws: ConfigError.self) { try build(second(spelling)) }
            #expect(error.description.contains("watches already"), "\(spelling): \(error)")
        }
        let nested = try #require(throws: ConfigError.self) { try build(second(directory.file("d/.cairn/done"))) }
        #expect(nested.description.contains("inside the .cairn/ of drop"), "\(nested)")
    }

    @Test func anAreaOfCairnThatIsAFileIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.createDirectory(atPath: directory.file(".cairn"), withIntermediateDirectories: true)
        try "x".write(toFile: directory.file(".cairn/processing"), atomically: true, encoding: .utf8)
        let error = try #require(throws: ConfigError.self) { try build(config(directory.path, "")) }
        #expect(error.description.contains(".cairn/processing exists but is not a directory"), "\(error)")
    }

    @Test func aWorkflowThatDoesNotExistOrRefusesTheFileParamsIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let unknown = config(directory.path, "").replacingOccurrences(of: "workflow = \"count\"", with: "workflow = \"nope\"")
        let error = try #require(throws: ConfigError.self) { try build(unknown) }
        #expect(error.description.hasPrefix("x.toml:7: ") && error.description.contains("does not serve"), "\(error)")
        let twoOnOne = config(directory.path, "") + "[[drops]]\nname = \"second\"\ndirectory = \"\(directory.path)\"\nworkflow = \"count\"\n"
        let twice = try #require(throws: ConfigError.self) { try build(twoOnOne) }
        #expect(twice.description.contains("which drop \"inbox\" watches already"), "\(twice)")
    }
}
