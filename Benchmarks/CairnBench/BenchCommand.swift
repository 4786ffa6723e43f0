import ArgumentParser
import Foundation

/// `cairn-bench`: runs the workloads of Benchmarks/README.md and prints a table and one JSON object.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cairn-bench",
        abstract: "Measure Cairn against the disk's own limit (W0) on this machine.",
        subcommands: [Run.self, RecoveryChild.self, ServeChild.self],
        defaultSubcommand: Run.self
    )

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the workloads (the default).")

        @Flag(name: .long, help: "Smaller counts, for a smoke run (numbers are not comparable).") var quick = false
        @Option(name: .long, help: "Only these workloads, e.g. W0,W1.") var only: String?
        @Option(name: .long, help: "Also write the JSON object to this file.") var json: String?
        @Option(name: .long, help: "Directory for the temporary databases (default: the system's temporary directory).") var directory: String?

        func run() async throws {
            let selected = Set((only ?? "W0,W1,W2,W3,W4,W5,W6,W7,W8,W9").uppercased().split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) })
            let known: Set<String> = ["W0", "W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8", "W9"]
            guard selected.isSubset(of: known) else {
                throw ValidationError("Unknown workload(s) \(selected.subtracting(known).sorted().joined(separator: ", ")); use W0 to W9.")
            }
            let base = directory ?? FileManager.default.temporaryDirectory.path
            let work = "\(base)/cairn-bench-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: work) }
            let report = Report(quick: quick)
            #if DEBUG
            print("warning: this is a debug build; numbers are meaningless. Use: swift run -c release cairn-bench")
            #endif
            // W0 is the reference for W1's ratio, so it runs whenever W1 does.
            var limit: W0Limit.Result?
            if selected.contains("W0") || selected.contains("W1") {
                limit = try W0Limit.run(directory: work, quick: quick, report: report)
            }
            if selected.contains("W1"), let before = limit {
                let rates = try await W1Chain.run(directory: work, quick: quick, report: report)
                // The disk's speed drifts within a run: W0 is measured again right after W1,
                // and the ratios use the mean of the two measurements.
                let after = try W0Limit.run(directory: work, quick: quick, report: nil)
                let reference = (before.oneRowPerSecond + after.oneRowPerSecond) / 2
                report.add("W0", "one-row txn/s after W1", after.oneRowPerSecond, "txn/s")
                report.add("W0", "reference (mean)", reference, "txn/s")
                report.add("W1 serial", "steps/s ÷ W0", rates.serial / reference, "ratio", atLeast: 0.7)
                report.add("W1 16 at a time", "steps/s ÷ W0", rates.concurrent / reference, "ratio", atLeast: 3.0)
            }
            if selected.contains("W2") { try await W2Sleep.run(directory: work, quick: quick, report: report) }
            if selected.contains("W3") { try await W3Event.run(directory: work, quick: quick, report: report) }
            if selected.contains("W4") { try await W4Recovery.run(directory: work, quick: quick, report: report) }
            if selected.contains("W5") { try await W5Ingest.run(directory: work, quick: quick, report: report) }
            if selected.contains("W6") { try await W6Memory.run(directory: work, quick: quick, report: report) }
            if selected.contains("W7") { try await W7Schedules.run(directory: work, quick: quick, report: report) }
            if selected.contains("W8") { try await W8Drops.run(directory: work, quick: quick, report: report) }
            if selected.contains("W9") { try await W9Embeddings.run(directory: work, quick: quick, report: report) }
            report.printTable()
            let text = report.jsonText()
            print(text)
            if let json { try text.write(toFile: json, atomically: true, encoding: .utf8) }
        }
    }
}
