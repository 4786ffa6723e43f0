import ArgumentParser
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
        if let params, (try? JSONSerialization.jsonObject(with: Data(params.utf8), options: [.fragmentsAllowed])) == nil {
            throw ValidationError("--params is not valid JSON: \(params). Example: --params '{\"name\": \"x\"}'")
        }
    }

    func run() async throws {
        var body: [String: Any] = [:]
        if let id { body["id"] = id }
        if let params { body["params"] = try JSONSerialization.jsonObject(with: Data(params.utf8), options: [.fragmentsAllowed]) }
        let answer = try await connection.client().post(InstancesCommand.path(workflow), json: body)
        if json { return Output.json(answer) }
        let object = answer as? [String: Any] ?? [:]
        print("Instance \"\(object["id"] as? String ?? "?")\" of \(workflow) created (status: \(object["status"] as? String ?? "unknown")).")
        print("Follow it with: cairn instances describe \(workflow) \(object["id"] as? String ?? "latest")")
    }
}
