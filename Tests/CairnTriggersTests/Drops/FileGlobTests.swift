@testable import CairnTriggers
import Testing

@Suite struct FileGlobTests {
    static let cases: [(String, String, Bool)] = [
        ("*.csv", "orders.csv", true), ("*.csv", "orders.csv.bak", false), ("*.csv", ".csv", true),
        ("report-??.txt", "report-07.txt", true), ("report-??.txt", "report-7.txt", false),
        ("*.{csv,tsv}", "a.tsv", true), ("*.{csv,tsv}", "a.psv", false), ("{a,b}*", "bee", true),
        ("[a-c]*", "beta", true), ("[a-c]*", "delta", false), ("[!a-c]*", "delta", true), ("[^a-c]*", "alpha", false),
        ("data\\*.txt", "data*.txt", true), ("data\\*.txt", "data1.txt", false),
        ("*", "anything at all", true), ("a*b*c", "aXXbYYc", true), ("a*b*c", "aXXbYY", false),
        ("*.csv", "é-ümlaut.csv", true), ("?.csv", "é.csv", true), ("[]]x", "]x", true),
    ]

    @Test(arguments: cases)
    func matchesWholeNames(_ pattern: String, _ name: String, _ expected: Bool) throws {
        #expect(try FileGlob(pattern).matches(FileName(name)) == expected)
    }

    @Test func aNameThatIsNotUTF8StillMatchesWildcards() throws {
        let name = FileName(bytes: [0x66, 0xFF, 0x2E, 0x63, 0x73, 0x76])     // "f\xff.csv"
        #expect(try FileGlob("*.csv").matches(name))
        #expect(try FileGlob("f?.csv").matches(name))
    }

    static let invalid: [(String, String)] = [
        ("[abc", "never closed"), ("*.{csv", "never closed"), ("a}", "has no '{'"), ("{a,{b}}", "cannot be nested"),
        ("dir/*.csv", "contains '/'"), ("abc\\", "lone"), ("", "empty"), ("[z-a]", "runs backwards"),
    ]

    @Test(arguments: invalid)
    func invalidPatternsSayWhy(_ pattern: String, _ mention: String) {
        #expect(throws: TriggerError.self) { try FileGlob(pattern) }
        do {
            _ = try FileGlob(pattern)
        } catch {
            #expect(error.code == .invalidDrop && error.message.contains(mention), "\(error.message)")
        }
    }
}

@Suite struct FileNameTests {
    @Test func printableUTF8IsShownAsIs() {
        #expect(FileName("Bericht März.csv").display == "Bericht März.csv")
    }

    @Test func newlinesControlsAndInvalidBytesAreEscaped() {
        #expect(FileName("a\nb\tc").display == "a\\nb\\tc")
        #expect(FileName(bytes: [0x61, 0xFF, 0x62]).display == "a\\xffb")
        #expect(FileName(bytes: [0x61, 0x01]).display == "a\\u{01}")
        #expect(FileName("back\\slash").display == "back\\\\slash")
    }

    @Test func theSafeFormHasNoSlashOrBackslashAndIsBounded() {
        #expect(FileName(bytes: [0x61, 0xFF, 0x0A]).safe == "a_xff_n")
        #expect(FileName(String(repeating: "x", count: 300)).safe.utf8.count == 120)
    }

    @Test func ignoredNamesFollowTheConventionsOfFilesStillBeingWritten() {
        for name in [".hidden", ".cairn", "a.tmp", "b.part", "c.crdownload", "d~"] {
            #expect(DropDefinition.isIgnored(FileName(name)), "\(name)")
        }
        for name in ["a.csv", "tmp", "part.csv", "a.tmp.csv"] {
            #expect(!DropDefinition.isIgnored(FileName(name)), "\(name)")
        }
    }
}

/// Any pattern text is refused or matched, never a trap (style: parsers of outside input get
/// a fuzz test).
@Suite struct FileGlobFuzzTests {
    @Test func randomPatternsAndNamesNeverCrash() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ab*?[]{}\\!^-,.é/")
        for _ in 0..<20_000 {
            let pattern = String((0..<Int.random(in: 0...10, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            let name = FileName(String((0..<Int.random(in: 0...8, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }))
            if let glob = try? FileGlob(pattern) { _ = glob.matches(name) }
        }
    }

    @Test func anEscapedBraceAtTheEndOfAnAlternativeIsRefusedNotATrap() {
        #expect(throws: TriggerError.self) { try FileGlob("*{a\\}") }
        #expect(throws: TriggerError.self) { try FileGlob("x\\") }
    }
}
