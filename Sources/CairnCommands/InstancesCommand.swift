import ArgumentParser
import CairnAPI
import Foundation

/// `cairn instances …`: list, describe and steer instances of a running appliance.
struct InstancesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "instances",
        abstract: "List, describe and steer workflow instances.",
        subcommands: [List.self, Describe.self, Pause.self, Resume.self, Terminate.self, Restart.self, SendEvent.self]
    )

    static func path(_ workflow: String, _ id: String? = nil) -> String {
        var path = "workflows/\(APIClient.segment(workflow))/instances"
        if let id { path += "/\(APIClient.segment(id))" }
        return path
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List instances of a workflow, newest first.")

        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The workflow name.") var workflow: String
        @Option(name: .long, help: "Only instances with this status (queued, running, waiting, paused, complete, errored, terminated, …).") var status: String?
        @Option(name: .long, help: "Instances per page (1–1000).") var limit: Int = 50
        @Option(name: .long, help: "The cursor printed under the previous page.") var cursor: String?
        @Flag(name: .long, help: "Print the server's JSON.") var json = false

        func validate() throws {
            guard (1...1000).contains(limit) else { throw ValidationError("--limit must be from 1 to 1000.") }
        }

        func run() async throws {
            let answer = try await connection.client().get(
                InstancesCommand.path(workflow), query: ["status": status, "per_page": "\(limit)", "cursor": cursor], as: InstancePage.self)
            if json { return Output.json(answer.raw) }
            let instances = answer.body.instances
            if instances.isEmpty {
                print("No instances of \(workflow)\(status.map { " with status \($0)" } ?? ""). Start one with: cairn trigger \(workflow)")
                return
            }
            var rows = [["ID", "STATUS", "CREATED", "MODIFIED", "TRIGGER"]]
            for instance in instances {
                rows.append([instance.id, Output.status(instance), Output.time(instance.createdOn),
                             Output.time(instance.modifiedOn), instance.triggerSource])
            }
            Output.table(rows)
            if let next = answer.body.cursor { print("\nmore: cairn instances list \(workflow) --cursor \(next)") }
        }
    }

    struct Describe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "describe", abstract: "Show an instance and each of its steps with attempts.")

        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The workflow name.") var workflow: String
        @Argument(help: "The instance ID, or 'latest'.") var id: String = "latest"
        @Flag(name: .long, help: "Print the server's JSON.") var json = false

        func run() async throws {
            let answer = try await connection.client().get(InstancesCommand.path(workflow, id), as: InstanceDescription.self)
            if json { return Output.json(answer.raw) }
            DescribeRenderer.render(answer.body)
        }
    }

    /// The workflow and instance a status change or event is for.
    struct Target: ParsableArguments {
        @Argument(help: "The workflow name.") var workflow: String
        @Argument(help: "The instance ID, or 'latest'.") var id: String
        @Flag(name: .long, help: "Print the server's JSON.") var json = false
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "pause", abstract: "Pause at the next step boundary.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var target: Target
        func run() async throws { try await InstancesCommand.change(connection, target, "pause") }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "resume", abstract: "Resume a paused instance.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var target: Target
        func run() async throws { try await InstancesCommand.change(connection, target, "resume") }
    }

    struct Terminate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "terminate", abstract: "End an instance now (a running step is abandoned).")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var target: Target
        func run() async throws { try await InstancesCommand.change(connection, target, "terminate") }
    }

    struct Restart: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "restart", abstract: "Erase the step history and run again with the original params.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var target: Target
        func run() async throws { try await InstancesCommand.change(connection, target, "restart") }
    }

    static func change(_ connection: ConnectionOptions, _ target: Target, _ action: String) async throws {
        let answer = try await connection.client().patch(
            path(target.workflow, target.id) + "/status", json: StatusChangeRequest(status: action), as: StatusChange.self)
        if target.json { return Output.json(answer.raw) }
        print("Instance \"\(answer.body.id)\" of \(target.workflow): \(action) accepted, status \(answer.body.status.rawValue).")
    }

    struct SendEvent: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "send-event", abstract: "Send an event to an instance (delivered to its waitForEvent, or buffered).")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var target: Target
        @Option(name: .long, help: "The event type the instance waits for.") var type: String
        @Option(name: .long, help: "The event payload as JSON (default null).") var payload: String?

        func validate() throws {
            if let payload, (try? JSONSerialization.jsonObject(with: Data(payload.utf8), options: [.fragmentsAllowed])) == nil {
                throw ValidationError("--payload is not valid JSON: \(payload). Example: --payload '{\"approved\": true}'")
            }
        }

        func run() async throws {
            let path = InstancesCommand.path(target.workflow, target.id) + "/events/\(APIClient.segment(type))"
            let answer = try await connection.client().post(path, raw: payload.map { Data($0.utf8) }, as: EventAccepted.self)
            if target.json { return Output.json(answer.raw) }
            print("Event '\(type)' sent to instance \"\(answer.body.id)\" of \(target.workflow).")
        }
    }
}
