import ArgumentParser
import CairnAPI
import Foundation

/// `cairn hooks …`: the webhooks of a running appliance, their deliveries and dead letters.
struct HooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hooks",
        abstract: "List webhooks, their deliveries and dead letters; replay a delivery.",
        subcommands: [List.self, Deliveries.self, Replay.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the configured webhooks.")
        @OptionGroup var connection: ConnectionOptions
        @Flag(name: .long, help: "Print the server's JSON.") var json = false

        func run() async throws {
            let answer = try await connection.client().get("hooks", as: HookList.self)
            if json { return Output.json(answer.raw) }
            guard !answer.body.hooks.isEmpty else {
                print("No webhooks. Add [[hooks]] entries to the config (see docs/webhooks.md).")
                return
            }
            var rows = [["NAME", "SCHEME", "ACTION", "WORKFLOW", "URL PATH"]]
            for hook in answer.body.hooks {
                rows.append([hook.name, hook.scheme, hook.action, hook.workflow, "/hooks/\(hook.name)"])
            }
            Output.table(rows)
        }
    }

    struct Deliveries: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "deliveries", abstract: "List a webhook's deliveries, newest first.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The hook name.") var name: String
        @Flag(name: .long, help: "Only dead letters: verified deliveries whose action failed.") var failed = false
        @Option(name: .long, help: "The cursor printed under the previous page.") var cursor: String?
        @Flag(name: .long, help: "Print the server's JSON.") var json = false

        func run() async throws {
            let answer = try await connection.client().get("hooks/\(APIClient.segment(name))/deliveries",
                                                           query: ["failed": failed ? "true" : nil, "cursor": cursor], as: DeliveryPage.self)
            if json { return Output.json(answer.raw) }
            guard !answer.body.deliveries.isEmpty else {
                print(failed ? "No dead letters for \(name)." : "No deliveries to \(name) yet.")
                return
            }
            var rows = [["SEQ", "RECEIVED", "DELIVERY", "OUTCOME", "STATUS", "INSTANCE", "DETAIL"]]
            for delivery in answer.body.deliveries {
                rows.append(["\(delivery.seq)", Output.time(Timestamp.date(delivery.receivedAt)), delivery.deliveryId ?? "-",
                             delivery.outcome + (delivery.replayOf.map { " (replay of \($0))" } ?? "") + (delivery.attempts > 1 ? " ×\(delivery.attempts)" : ""), "\(delivery.status)",
                             delivery.instanceId ?? "-", delivery.detail ?? ""])
            }
            Output.table(rows)
            if let next = answer.body.cursor { print("\nmore: cairn hooks deliveries \(name)\(failed ? " --failed" : "") --cursor \(next)") }
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "replay",
            abstract: "Run a stored verified delivery's action again (a new instance, or the event again).")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The hook name.") var name: String
        @Argument(help: "The delivery's SEQ from `cairn hooks deliveries`.") var seq: Int64
        @Flag(name: .long, help: "Print the server's JSON.") var json = false

        func run() async throws {
            let path = "hooks/\(APIClient.segment(name))/deliveries/\(seq)/replay"
            let answer = try await connection.client().post(path, raw: nil, as: JSONValueBox.self)
            if json { return Output.json(answer.raw) }
            let body = answer.body.value
            if let instance = body["instance"]?.stringValue {
                print("Replayed delivery \(seq) of \(name): instance \"\(instance)\"\(body["event"]?.stringValue.map { ", event \($0)" } ?? "").")
            } else {
                print("Replayed delivery \(seq) of \(name).")
            }
        }
    }
}
