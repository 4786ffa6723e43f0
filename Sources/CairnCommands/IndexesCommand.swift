import ArgumentParser
import CairnAPI
import Foundation

/// `cairn indexes list`: the embedding indexes of a running appliance.
struct IndexesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "indexes",
        abstract: "List embedding indexes with their chunk and source counts.",
        subcommands: [List.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the [[indexes]] with their vector space and counts.")
        @OptionGroup var connection: ConnectionOptions
        @Flag(name: .long, help: "Print the server's JSON.") var json = false

        func run() async throws {
            let answer = try await connection.client().get("indexes", as: IndexList.self)
            if json { return Output.json(answer.raw) }
            guard !answer.body.indexes.isEmpty else {
                print("No indexes. Add [[indexes]] entries to the config (see docs/embeddings.md).")
                return
            }
            var rows = [["NAME", "SPACE", "CHUNKS", "SOURCES", "QUERY MODE", "UPDATED"]]
            for index in answer.body.indexes {
                rows.append([index.name, index.space, "\(index.chunks)", "\(index.sources)", index.defaultMode,
                             index.updatedAt.map { Output.time(Timestamp.date($0)) } ?? "-"])
            }
            Output.table(rows)
        }
    }
}
