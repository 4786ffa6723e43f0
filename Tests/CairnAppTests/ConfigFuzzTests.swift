import Cairn
@testable import CairnApp
import CairnStock
import CairnTesting
import Foundation
import Testing

/// Property-based fuzzing of the TOML config loader (TOMLKit's C++ parser cannot be built with
/// the fuzzer sanitizer here, so this runs in the suite instead of under libFuzzer): 300
/// mutations of the shipped sample config (`CAIRN_FUZZ_ROUNDS=N` for more, with another
/// `CAIRN_FUZZ_SEED`) either load or fail with a ConfigError that names the file, never a
/// crash or another kind of error. Kept short: it shares the suite's cooperative threads
/// with real-time end-to-end tests.
@Suite struct ConfigFuzzTests {
    /// Characters that matter to TOML and to Cairn's own readers.
    static let alphabet = Array("[]{}=\"'\\.,#\n\t 0123456789-:+eE_abcxyz@*/é😀\u{0}\u{7F}")

    static func mutate(_ text: [Character], _ random: inout SplitMix64) -> [Character] {
        var text = text
        for _ in 0..<(1 + Int(random.next() % 4)) {
            guard !text.isEmpty else { break }
            let at = Int(random.next() % UInt64(text.count))
            switch random.next() % 6 {
            case 0: text.remove(at: at)                                                         // delete a character
            case 1: text.insert(alphabet[Int(random.next() % UInt64(alphabet.count))], at: at)  // insert one
            case 2: text[at] = alphabet[Int(random.next() % UInt64(alphabet.count))]            // replace one
            case 3: text.removeSubrange(at..<min(text.count, at + Int(random.next() % 80)))       // delete a stretch
            case 4:                                                                             // duplicate a stretch
                let end = min(text.count, at + Int(random.next() % 120))
                text.insert(contentsOf: text[at..<end], at: Int(random.next() % UInt64(text.count)))
            default:                                                                            // swap two stretches' places
                let other = Int(random.next() % UInt64(text.count))
                text.swapAt(at, other)
            }
        }
        return text
    }

    /// Found by the test below: toml++ stops the process (a failed assertion) on a table
    /// header whose name does not follow the bracket; Cairn refuses those first.
    @Test(arguments: [("[\nserver]\n", 1), ("x = 1\n[[\nschedules]]\n", 2), ("[ #c\nserver]\n", 1), ("[=]\n", 1), ("[.a]\n", 1), ("  [[ =x]]\n", 1),
                      ("a = \"\"\"\n[\n\"\"\"\n[ .x]\n", 4)])
    func headersTheParserWouldAbortOnAreRefusedWithTheirLine(text: String, line: Int) throws {
        let error = try #require(throws: ConfigError.self) { try ConfigLoader.parse(text, source: "h.toml") }
        #expect(error.description.hasPrefix("h.toml:\(line): ") && error.description.contains("table header must name its table"), "\(error)")
    }

    @Test(arguments: ["m = [\n  [1, 2],\n  [\n    3\n  ],\n]\n", "s = \"\"\"\n[\n\"\"\"\n", "t = '[\n'\n", "# [\n[server]\n", "[ \"quoted\" ]\n", "[[ a ]]\n[ b . c ]\n"])
    func valuesStringsAndCommentsThatLookLikeHeadersAreLeftToTheParser(text: String) throws {
        // Not refused by the check (the parser may still refuse what Cairn does not know).
        do {
            _ = try ConfigLoader.parse(text, source: "v.toml")
        } catch let error as ConfigError {
            #expect(!error.description.contains("table header must name its table"), "\(error)")
        }
    }

    @Test func mutatedConfigsLoadOrFailWithAConfigErrorNamingTheFile() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let sample = Array(try String(contentsOf: root.appendingPathComponent("etc/cairn.toml"), encoding: .utf8))
        // Beside the sample, so its relative paths (mail templates) resolve as they do for it.
        let source = root.appendingPathComponent("etc/fuzz.toml").path
        let environment = ProcessInfo.processInfo.environment
        let rounds = environment["CAIRN_FUZZ_ROUNDS"].flatMap(Int.init) ?? 300
        var random = SplitMix64(seed: environment["CAIRN_FUZZ_SEED"].flatMap(UInt64.init) ?? 20261206)
        var loaded = 0, refused = 0
        for _ in 0..<rounds {
            // The suite runs in parallel on the same cooperative threads: a long CPU-bound
            // loop must let the real-time tests beside it poll.
            await Task.yield()
            let text = String(Self.mutate(sample, &random))
            do {
                let config = try ConfigLoader.parse(text, source: source, environment: ["CAIRN_TOKEN": String(repeating: "t", count: 32)])
                _ = try Appliance.build(config: config, configure: StockWorkflows.configure)
                loaded += 1
            } catch let error as ConfigError {
                refused += 1
                #expect(error.description.hasPrefix(source) && error.description.count > source.count + 10, "\(error)")
            } catch {
                Issue.record("not a ConfigError: \(type(of: error)) \(error)\n--- config:\n\(text)")
                return
            }
        }
        // Both outcomes happen, so the mutations neither all break the file nor all miss.
        #expect(loaded > rounds / 60 && refused > rounds / 5, "loaded \(loaded), refused \(refused)")
    }
}
