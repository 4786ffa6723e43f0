import ArgumentParser
import Cairn
import CairnAPI
import Foundation

/// `cairn indexes list` and `cairn indexes rebuild <name>` (also spelled `cairn index …`):
/// the embedding indexes of a running appliance.
struct IndexesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "indexes",
        abstract: "List embedding indexes, or re-embed one after a model change.",
        subcommands: [List.self, Rebuild.self],
        aliases: ["index"]
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
            for index in answer.body.indexes {
                if let stored = index.storedSpace {
                    print("\n\(index.name) holds vectors of \(stored); the config says \(index.space). Re-embed with: cairn indexes rebuild \(index.name)")
                }
            }
        }
    }

    struct Rebuild: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rebuild",
            abstract: "Re-embed every chunk of an index with the provider and model the config names now.",
            discussion: """
                Starts the appliance's cairn-index-rebuild workflow: it embeds the stored chunks again in batches (each a durable \
                step) and swaps the new vectors in at once; keyword queries answer throughout (vector and hybrid ones answer 409 \
                until the swap), and a restart loses at most one batch. Starting it again while it runs returns the same instance; an index already in the configured space is \
                left alone unless --force.
                """
        )
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The index's name, as in [[indexes]].") var name: String
        @Flag(name: .long, help: "Re-embed even when the stored vectors are in the configured space already.") var force = false
        @Flag(name: .long, help: "Wait until the rebuild ends, showing progress on a terminal; exit 1 if it failed.") var wait = false
        @Flag(name: .long, help: "Print the server's JSON (with --wait, the finished instance's).") var json = false

        func run() async throws {
            let client = try connection.client()
            let answer = try await client.post("indexes/\(APIClient.segment(name))/rebuild", raw: nil, query: ["force": force ? "true" : nil], as: IndexRebuild.self)
            let rebuild = answer.body
            guard let id = rebuild.instanceID else {
                if json { return Output.json(answer.raw) }
                print("\(rebuild.index) is in \(rebuild.toSpace) already (\(rebuild.chunks) chunks); nothing to rebuild. --force re-embeds anyway.")
                return
            }
            if !wait {
                if json { return Output.json(answer.raw) }
                let verb = rebuild.created ? "Started" : "Already \(rebuild.status):"
                print("\(verb) rebuild of \(rebuild.index) (\(rebuild.chunks) chunks, \(rebuild.fromSpace ?? "empty") → \(rebuild.toSpace)) as instance \(id).")
                print("Follow it with: cairn instances describe \(rebuild.workflow) \(id)")
                return
            }
            let path = InstancesCommand.path(rebuild.workflow, id)
            var progress: Progress?
            while true {
                let described = try await client.get(path, as: InstanceDescription.self)
                let instance = described.body
                if let (done, total) = BatchProgress.of(instance.steps) {
                    if progress == nil { progress = Progress("rebuilding \(rebuild.index)", total: total) }
                    progress?.update(done)
                }
                if instance.summary.status.isFinished {
                    progress?.finish()
                    if json {
                        Output.json(described.raw)
                    } else if instance.summary.status == .complete {
                        let chunks = instance.output?["chunks"]?.intValue ?? 0
                        print("Rebuilt \(rebuild.index): \(chunks) chunks now in \(rebuild.toSpace).")
                    }
                    guard instance.summary.status == .complete else {
                        throw CLIFailure.server("The rebuild of \(rebuild.index) ended \(instance.summary.status.rawValue)\(instance.error.map { ": " + Output.error($0) } ?? ""); the index keeps its previous vectors.")
                    }
                    return
                }
                try await Task.sleep(for: .milliseconds(500))
            }
        }
    }
}
