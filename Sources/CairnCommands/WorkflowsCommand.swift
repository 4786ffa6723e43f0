import ArgumentParser
import CairnAPI
import Foundation

/// `cairn workflows list`: the workflows the appliance serves, with instance counts by status.
struct WorkflowsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workflows",
        abstract: "List the workflows a running appliance serves.",
        subcommands: [List.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List workflows with instance counts by status.")

        @OptionGroup var connection: ConnectionOptions
        @Flag(name: .long, help: "Print the server's JSON.") var json = false

        func run() async throws {
            let answer = try await connection.client().get("workflows", as: WorkflowList.self)
            if json { return Output.json(answer.raw) }
            let workflows = answer.body.workflows
            let statuses = ["queued", "running", "waiting", "waitingForPause", "paused", "complete", "errored", "terminated"]
            var rows = [["NAME", "KIND"] + statuses.map { $0.uppercased() }]
            for workflow in workflows {
                rows.append([workflow.name, workflow.kind ?? "swift"] + statuses.map { "\(workflow.instances[$0] ?? 0)" })
            }
            if workflows.isEmpty { print("No workflows. Add [[workflows]] entries to the config and restart cairn serve.") }
            else { Output.table(rows) }
        }
    }
}
