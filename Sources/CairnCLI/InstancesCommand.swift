import ArgumentParser
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
            let answer = try await connection.client().get(InstancesCommand.path(workflow), query: ["status": status, "per_page": "\(limit)", "cursor": cursor])
            if json { return Output.json(answer) }
            let object = answer as? [String: Any] ?? [:]
            let instances = object["instances"] as? [[String: Any]] ?? []
            if instances.isEmpty {
                print("No instances of \(workflow)\(status.map { " with status \($0)" } ?? ""). Start one with: cairn trigger \(workflow)")
                return
            }
            var rows = [["ID", "STATUS", "CREATED", "MODIFIED", "TRIGGER"]]
            for instance in instances {
                rows.append([instance["id"] as? String ?? "?", Describe.statusLabel(instance), Output.time(instance["created_on"]),
                             Output.time(instance["modified_on"]), instance["trigger_source"] as? String ?? "-"])
            }
            Output.table(rows)
            if let next = object["cursor"] as? String { print("\nmore: cairn instances list \(workflow) --cursor \(next)") }
        }
    }

    struct Describe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "describe", abstract: "Show an instance and each of its steps with attempts.")

        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The workflow name.") var workflow: String
        @Argument(help: "The instance ID, or 'latest'.") var id: String = "latest"
        @Flag(name: .long, help: "Print the server's JSON.") var json = false

        func run() async throws {
            let answer = try await connection.client().get(InstancesCommand.path(workflow, id))
            if json { return Output.json(answer) }
            DescribeRenderer.render(answer as? [String: Any] ?? [:])
        }

        static func statusLabel(_ instance: [String: Any]) -> String {
            let status = instance["status"] as? String ?? "unknown"
            guard status == "waiting", let reason = instance["waiting_for"] as? String else { return status }
            return "waiting (\(reason))"
        }
    }

    /// The workflow and instance a status change or event is for.
    struct Target: ParsableArguments {
        @Argument(help: "The workflow name.") var workflow: String
        @Argument(help: "The instance ID, or 'latest'.") var id: String
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
        let answer = try await connection.client().patch(path(target.workflow, target.id) + "/status", json: ["status": action])
        let object = answer as? [String: Any] ?? [:]
        print("Instance \"\(object["id"] as? String ?? target.id)\" of \(target.workflow): \(action) accepted, status \(object["status"] as? String ?? "unknown").")
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
            let answer = try await connection.client().post(path, raw: payload.map { Data($0.utf8) })
            let object = answer as? [String: Any] ?? [:]
            print("Event '\(type)' sent to instance \"\(object["id"] as? String ?? target.id)\" of \(target.workflow).")
        }
    }
}
