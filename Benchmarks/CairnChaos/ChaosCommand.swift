import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `cairn-chaos`: kills the real appliance at random moments under load from all three
/// triggers and checks that nothing acknowledged was lost or doubled.
@main
struct ChaosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cairn-chaos",
        abstract: "Kill cairn serve at random moments under webhooks, file drops and cron; check nothing was lost or doubled.",
        discussion: """
            Starts the cairn binary on a temporary data directory with a generated config (a cron schedule every minute, two \
            Standard-Webhooks hooks, a file drop, and pipelines whose every step calls a ledger server this harness runs). It \
            sends signed deliveries (repeating some), drops files (some slowly, some renamed into place), SIGKILLs the process \
            --kills times and drains it with SIGTERM --drains times, restarting it each time, and fills its data directory's file \
            system --disk-fills times for 3 s; then waits until every instance \
            is final and prints one line per invariant and `N passed, M failed`. A failed run exits 1 and keeps its directory \
            (cairn.toml, serve.log, ledger.log, cairn.sqlite) for inspection.
            """
    )

    @Option(name: .long, help: "The cairn binary to run (default: the one built beside this executable).") var binary: String?
    @Option(name: .long, help: "How long the load and the kills last, in minutes.") var minutes: Double = 3
    @Option(name: .long, help: "How many times to SIGKILL the appliance.") var kills: Int = 30
    @Option(name: .long, help: "How many SIGTERM drains among the kills (default: one per ten kills, at least one).") var drains: Int?
    @Option(name: .long, help: "How many times to fill the data directory's file system for 3 s (a tmpfs of its own; needs root or CAP_SYS_ADMIN, skipped otherwise).") var diskFills: Int = 2
    @Option(name: .long, help: "Seed for the kill and fill moments and the load's choices (default: random; printed). Timing still varies between runs.") var seed: UInt64?
    @Option(name: .long, help: "Where to keep the data (default: a new temporary directory).") var directory: String?
    @Flag(name: .long, help: "Keep the data directory even when every invariant holds.") var keep = false
    @Flag(name: .long, help: "Print the result as JSON.") var json = false

    func validate() throws {
        guard minutes > 0, minutes <= 24 * 60 else { throw ValidationError("--minutes must be more than 0 and at most 1440.") }
        guard kills >= 0, kills <= 10_000 else { throw ValidationError("--kills must be from 0 to 10000.") }
        if let drains, drains < 0 { throw ValidationError("--drains must be 0 or more.") }
        guard (0...100).contains(diskFills) else { throw ValidationError("--disk-fills must be from 0 to 100.") }
    }

    func run() async throws {
        let seed = seed ?? UInt64.random(in: 1...UInt64.max)
        let binary = URL(fileURLWithPath: self.binary ?? URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("cairn").path)
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw ValidationError("No cairn binary at \(binary.path). Build it first (swift build --product cairn) or pass --binary.")
        }
        let path = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("cairn-chaos-\(getpid())-\(seed % 100_000)").path
        // An earlier run's database or done/ files would count as this run's.
        if let existing = try? FileManager.default.contentsOfDirectory(atPath: path), !existing.isEmpty {
            throw ValidationError("\(path) is not empty (an earlier run's data would be counted as this one's). Pass an empty or new --directory.")
        }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let options = ChaosRun.Options(binary: binary, directory: path, duration: .milliseconds(Int(minutes * 60_000)), kills: kills,
                                       drains: drains ?? max(1, kills / 10), diskFills: diskFills, seed: seed, progress: isatty(STDERR_FILENO) == 1 && !json)
        if !json { print("cairn-chaos: seed \(seed), \(kills) kills and \(options.drains) drains over \(minutes) min, data in \(path)") }
        let started = ContinuousClock.now
        let (invariants, summary) = try await ChaosRun(options: options).execute()
        let failed = invariants.filter { !$0.passed }.count
        let skipped = invariants.filter(\.skipped).count
        if json {
            let report: [String: Any] = [
                "seed": seed, "directory": path, "seconds": Int((ContinuousClock.now - started).components.seconds), "summary": summary,
                "invariants": invariants.map { ["name": $0.name, "passed": $0.passed, "skipped": $0.skipped, "detail": $0.detail] },
                "passed": invariants.count - failed - skipped, "failed": failed, "skipped": skipped,
            ]
            let data = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(summary.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            for invariant in invariants { print(invariant.line) }
            print("\(invariants.count - failed - skipped) passed, \(failed) failed" + (skipped > 0 ? ", \(skipped) skipped" : ""))
        }
        if failed > 0 {
            if !json { print("kept \(path) for inspection (cairn.toml, serve.log, ledger.log, cairn.sqlite); rerun with --seed \(seed) for the same kill and fill moments") }
            throw ExitCode(1)
        }
        if !keep && directory == nil { try? FileManager.default.removeItem(atPath: path) }
    }
}
