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
        @Option(name: .long, help: "Run the ratio workloads (W0+W1, W5 with W5-limit and signed webhooks) this many times; report the median and the spread.") var `repeat`: Int = 1

        func validate() throws {
            guard (1...20).contains(`repeat`) else { throw ValidationError("--repeat must be from 1 to 20.") }
        }

        func run() async throws {
            let selected = Set((only ?? "W0,W1,W2,W3,W4,W5,W6,W7,W8,W9,W10").uppercased().split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) })
            let known: Set<String> = ["W0", "W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8", "W9", "W10"]
            guard selected.isSubset(of: known) else {
                throw ValidationError("Unknown workload(s) \(selected.subtracting(known).sorted().joined(separator: ", ")); use W0 to W10.")
            }
            let base = directory ?? FileManager.default.temporaryDirectory.path
            let work = "\(base)/cairn-bench-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: work) }
            let report = Report(quick: quick)
            #if DEBUG
            print("warning: this is a debug build; numbers are meaningless. Use: swift run -c release cairn-bench")
            #endif
            /// Runs one workload, recording how much CPU the rest of the machine used meanwhile.
            func measured<T>(_ workload: String, _ body: () async throws -> T) async throws -> T {
                let start = HostNoise.sample()
                let result = try await body()
                report.host(workload, foreign: HostNoise.foreignShare(from: start, to: HostNoise.sample()))
                return result
            }
            // The ratio workloads, `repeat` times; only the first run's rows go in the table
            // (the others into a scratch report), the ratios of every run into the summary rows.
            var serialRatios: [Double] = [], concurrentRatios: [Double] = [], ingestRatios: [Double] = [], signedRatios: [Double] = []
            for round in 0..<`repeat` {
                let target = round == 0 ? report : Report(quick: quick)
                // W0 is the reference for W1's ratio, so it runs whenever W1 does.
                var limit: W0Limit.Result?
                if selected.contains("W0") || selected.contains("W1") {
                    let probe = try HostNoise.fsyncProbe(directory: work)
                    target.add("W0", "fsync probe (4 KiB + fdatasync) p50 before W0", probe, "ms")
                    limit = try await measured("W0") { try W0Limit.run(directory: work, quick: quick, report: target) }
                }
                if selected.contains("W1"), let before = limit {
                    let probe = try HostNoise.fsyncProbe(directory: work)
                    target.add("W1 serial", "fsync probe (4 KiB + fdatasync) p50 before W1", probe, "ms")
                    let rates = try await measured("W1") { try await W1Chain.run(directory: work, quick: quick, report: target) }
                    // The disk's speed drifts within a run: W0 is measured again right after W1,
                    // and the ratios use the mean of the two measurements.
                    let after = try await measured("W0") { try W0Limit.run(directory: work, quick: quick, report: nil) }
                    let reference = (before.oneRowPerSecond + after.oneRowPerSecond) / 2
                    target.add("W0", "one-row txn/s after W1", after.oneRowPerSecond, "txn/s")
                    target.add("W0", "reference (mean)", reference, "txn/s")
                    serialRatios.append(rates.serial / reference)
                    concurrentRatios.append(rates.concurrent / reference)
                }
                if selected.contains("W5") {
                    let rates = try await measured("W5") { try await W5Ingest.run(directory: work, quick: quick, report: target) }
                    ingestRatios.append(rates.ingest / rates.limit)
                    signedRatios.append(rates.signed / rates.ingest)
                }
                if `repeat` > 1 { FileHandle.standardError.write(Data("cairn-bench: ratio workloads, run \(round + 1) of \(`repeat`) done\n".utf8)) }
            }
            report.ratio("W1 serial", "steps/s ÷ W0", serialRatios, atLeast: 0.75)
            report.ratio("W1 16 at a time", "steps/s ÷ W0", concurrentRatios, atLeast: 3.5)
            report.ratio("W5 ingest", "÷ W5-limit", ingestRatios, atLeast: 0.5)
            report.ratio("W5 signed webhooks", "÷ plain API ingest", signedRatios, atLeast: 0.8)
            if selected.contains("W2") { try await measured("W2") { try await W2Sleep.run(directory: work, quick: quick, report: report) } }
            if selected.contains("W3") { try await measured("W3") { try await W3Event.run(directory: work, quick: quick, report: report) } }
            if selected.contains("W4") { try await measured("W4") { try await W4Recovery.run(directory: work, quick: quick, report: report) } }
            if selected.contains("W6") { try await measured("W6") { try await W6Memory.run(directory: work, quick: quick, report: report) } }
            if selected.contains("W7") { try await measured("W7") { try await W7Schedules.run(directory: work, quick: quick, report: report) } }
            if selected.contains("W8") { try await measured("W8") { try await W8Drops.run(directory: work, quick: quick, report: report) } }
            if selected.contains("W9") { try await measured("W9") { try await W9Embeddings.run(directory: work, quick: quick, report: report) } }
            if selected.contains("W10") { try await measured("W10") { try await W10Scale.run(directory: work, quick: quick, report: report) } }
            report.printTable()
            let text = report.jsonText()
            print(text)
            if let json { try text.write(toFile: json, atomically: true, encoding: .utf8) }
        }
    }
}
