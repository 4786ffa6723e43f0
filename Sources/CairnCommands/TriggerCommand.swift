import ArgumentParser
import Cairn
import CairnAPI
import Foundation

/// `cairn trigger <workflow> [--id] [--params JSON]`: creates an instance.
struct TriggerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "trigger", abstract: "Create an instance of a workflow.")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The workflow name.") var workflow: String
    @Option(name: .long, help: "The instance ID (default: a generated, time-ordered one).") var id: String?
    @Option(name: .long, help: "The params as JSON, e.g. '{\"name\": \"x\"}'.") var params: String?
    @Flag(name: .long, help: "Print the server's JSON.") var json = false

    func validate() throws {
        if let params, (try? JSONValue(json: Data(params.utf8))) == nil {
            throw ValidationError("--params is not valid JSON: \(params). Example: --params '{\"name\": \"x\"}'")
        }
    }

    func run() async throws {
        let body = CreateInstance(id: id, params: try params.map { try JSONValue(json: Data($0.utf8)) })
        let answer = try await connection.client().post(InstancesCommand.path(workflow), json: body, as: InstanceSummary.self)
        if json { return Output.json(answer.raw) }
        print("Instance \"\(answer.body.id)\" of \(workflow) created (status: \(answer.body.status.rawValue)).")
        print("Follow it with: cairn instances describe \(workflow) \(answer.body.id)")
    }
}
