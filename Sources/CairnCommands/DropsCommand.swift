import ArgumentParser
import CairnAPI
import Foundation

/// `cairn drops …`: the watched directories of a running appliance and their files.
struct DropsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drops",
        abstract: "List file drops and the files they took.",
        subcommands: [List.self, Files.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the drops with their files by status.")
        @OptionGroup var connection: ConnectionOptions
        @Flag(name: .long, help: "Print the server's JSON.") var json = false

        func run() async throws {
            let answer = try await connection.client().get("drops", as: DropList.self)
            if json { return Output.json(answer.raw) }
            guard !answer.body.drops.isEmpty else {
                print("No file drops. Add [[drops]] entries to the config (see docs/drops.md).")
                return
            }
            var rows = [["NAME", "DIRECTORY", "PATTERN", "WORKFLOW", "WAITING", "PROCESSING", "DONE", "FAILED", "DUPLICATE", "LAST TAKEN"]]
            for drop in answer.body.drops {
                let last = drop.lastTaken.map { "\($0.name) (\(Output.time(Timestamp.date($0.claimedAt))))" } ?? "-"
                rows.append([drop.name, drop.directory, drop.pattern ?? "*", drop.workflow, "\(drop.waiting)", "\(drop.processing)", "\(drop.done)",
                             "\(drop.failed)", "\(drop.duplicate)", last])
            }
            Output.table(rows)
        }
    }

    struct Files: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "files", abstract: "List a drop's files, newest first.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The drop name.") var name: String
        @Option(name: .long, help: "Only files with this status: processing, done, failed or duplicate.") var status: String?
        @Option(name: .long, help: "The cursor printed under the previous page.") var cursor: String?
        @Flag(name: .long, help: "Print the server's JSON.") var json = false

        func run() async throws {
            let answer = try await connection.client().get("drops/\(APIClient.segment(name))/files", query: ["status": status, "cursor": cursor],
                                                           as: DropFilePage.self)
            if json { return Output.json(answer.raw) }
            guard !answer.body.files.isEmpty else {
                print(status.map { "No \($0) files in \(name)." } ?? "No files taken by \(name) yet.")
                return
            }
            var rows = [["SEQ", "CLAIMED", "NAME", "STATUS", "SIZE", "INSTANCE", "DETAIL"]]
            for file in answer.body.files {
                let name = file.name.count > 60 ? file.name.prefix(29) + "…" + file.name.suffix(30) : file.name
                rows.append(["\(file.seq)", Output.time(Timestamp.date(file.claimedAt)), name, file.status, file.size.map { "\($0)" } ?? "-",
                             file.instanceId ?? "-", file.detail ?? ""])
            }
            Output.table(rows)
            if let next = answer.body.cursor { print("\nmore: cairn drops files \(name)\(status.map { " --status \($0)" } ?? "") --cursor \(next)") }
        }
    }
}
