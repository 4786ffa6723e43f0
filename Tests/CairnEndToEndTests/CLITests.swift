import CairnTesting
import Foundation
import Testing

/// The `cairn` commands against a running appliance, with their output and exit codes.
@Suite struct CLITests {
    @Test func everyCommandDrivesTheApplianceAndExitsZero() async throws {
        let serve = try await ServeProcess(config: { ServeProcess.seedConfig(directory: $0, pause: "1 hour") })
        defer { serve.stop() }
        // The token comes from the data directory named by the config, as an operator would use it.
        let connection = ["--url", serve.baseURL, "--config", serve.configPath]
        func cairn(_ arguments: [String]) async throws -> CLI.Result {
            try await CLI.run(arguments + connection, in: serve.directory.path)
        }

        let trigger = try await cairn(["trigger", "my-workflow", "--id", "c1", "--params", #"{"name": "cli"}"#])
        #expect(trigger.code == 0, "\(trigger.err)")
        #expect(trigger.out.contains(#"Instance "c1" of my-workflow created"#))
        _ = try await serve.waitForInstance("my-workflow", "c1") { $0["status"] as? String == "waiting" }

        let workflows = try await cairn(["workflows", "list"])
        #expect(workflows.code == 0)
        #expect(workflows.out.contains("my-workflow"))
        let list = try await cairn(["instances", "list", "my-workflow", "--status", "waiting"])
        #expect(list.code == 0)
        #expect(list.out.contains("c1"))
        #expect(list.out.contains("waiting (sleep)"))

        let describe = try await cairn(["instances", "describe", "my-workflow", "latest"])
        #expect(describe.code == 0)
        for expected in ["Instance:  c1", "Steps (2):", "fetch data-1", "succeeded", "pause-1", "sleeping", "Wakes at:"] {
            #expect(describe.out.contains(expected), "missing \(expected) in:\n\(describe.out)")
        }
        let json = try await cairn(["instances", "describe", "my-workflow", "c1", "--json"])
        let parsed = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any]
        #expect((parsed?["steps"] as? [Any])?.count == 2)

        let event = try await cairn(["instances", "send-event", "my-workflow", "c1", "--type", "approval", "--payload", #"{"ok": true}"#])
        #expect(event.code == 0)
        #expect(event.out.contains("Event 'approval' sent"))
        for (action, status) in [("pause", "paused"), ("resume", "queued"), ("terminate", "terminated"), ("restart", "")] {
            let result = try await cairn(["instances", action, "my-workflow", "c1"])
            #expect(result.code == 0, "\(action): \(result.err)")
            #expect(result.out.contains("\(action) accepted"))
            if !status.isEmpty { #expect(result.out.contains(status), "\(action): \(result.out)") }
        }
        let restarted = try await serve.waitForInstance("my-workflow", "c1") { $0["status"] as? String == "waiting" }
        #expect((restarted["params"] as? [String: Any])?["name"] as? String == "cli")

        // Scripts get the server's JSON from status changes and events too.
        let paused = try await cairn(["instances", "pause", "my-workflow", "c1", "--json"])
        let pausedJSON = try JSONSerialization.jsonObject(with: Data(paused.out.utf8)) as? [String: Any]
        #expect(pausedJSON?["id"] as? String == "c1")
        #expect(pausedJSON?["status"] as? String == "paused", "\(paused.out)")
        let sent = try await cairn(["instances", "send-event", "my-workflow", "c1", "--type", "approval", "--json"])
        let sentJSON = try JSONSerialization.jsonObject(with: Data(sent.out.utf8)) as? [String: Any]
        #expect(sentJSON?["type"] as? String == "approval", "\(sent.out)")
    }

    @Test func failuresMapToExitCodesWithMessages() async throws {
        let serve = try await ServeProcess(config: { ServeProcess.seedConfig(directory: $0) })
        defer { serve.stop() }
        let url = ["--url", serve.baseURL]
        let token = ["--token", serve.token]

        let unknown = try await CLI.run(["trigger", "nope"] + url + token)
        #expect(unknown.code == 1)
        #expect(unknown.err.contains("Known workflows: my-workflow"))
        let missing = try await CLI.run(["instances", "describe", "my-workflow", "ghost"] + url + token)
        #expect(missing.code == 1)
        #expect(missing.err.contains("No instance 'ghost'"))
        let wrongToken = try await CLI.run(["workflows", "list", "--token", String(repeating: "x", count: 64)] + url)
        #expect(wrongToken.code == 1)
        #expect(wrongToken.err.contains("HTTP 401"))
        let fromEnvironment = try await CLI.run(["workflows", "list"] + url, environment: ["CAIRN_TOKEN": serve.token])
        #expect(fromEnvironment.code == 0)

        let badJSON = try await CLI.run(["trigger", "my-workflow", "--params", "{nope"] + url + token)
        #expect(badJSON.code == 2)
        #expect(badJSON.err.contains("--params is not valid JSON"))
        let noArgument = try await CLI.run(["instances", "list"] + url + token)
        #expect(noArgument.code == 2)
        let unknownCommand = try await CLI.run(["frobnicate"])
        #expect(unknownCommand.code == 2)

        let unreachable = try await CLI.run(["workflows", "list", "--url", "http://127.0.0.1:1"] + token)
        #expect(unreachable.code == 3)
        #expect(unreachable.err.contains("Cannot reach the appliance"))
        let help = try await CLI.run(["--help"])
        #expect(help.code == 0)
        #expect(help.out.contains("instances"))
    }
}
