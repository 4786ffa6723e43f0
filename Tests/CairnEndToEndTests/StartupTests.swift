import CairnTesting
import Foundation
import Testing

/// `cairn serve` and `cairn config check` refuse bad setups with a message and a non-zero exit.
@Suite struct StartupTests {
    @Test func configProblemsNameTheKeyAndLine() async throws {
        let directory = try TemporaryDirectory(prefix: "cairn-start")
        defer { directory.remove() }
        let cases: [(config: String, mentions: [String])] = [
            ("[server]\nprot = 8787\n", ["cairn.toml:2:", "Unknown key 'prot'", "Did you mean 'port'"]),
            ("[server]\nhost = \"127.0.0.1\"\nport = \"8787\"\n", ["cairn.toml:3:", "'server.port' must be an integer, not a string"]),
            ("[[workflows]]\nname = \"a\"\ntype = \"seed-example\"\n\n[[workflows]]\nname = \"a\"\ntype = \"seed-example\"\n",
             ["cairn.toml:6:", "Duplicate workflow name \"a\"", "line 2"]),
            ("[engine]\nretention = \"3 fortnights\"\n", ["cairn.toml:2:", "'engine.retention'", "not a duration"]),
            ("[[workflows]]\nname = \"a\"\ntype = \"cobol\"\n", ["cairn.toml:1:", "Known types: await-event, count-lines, seed-example"]),
            ("[[workflows]]\nname = \"a\"\ntype = \"seed-example\"\n[workflows.options]\nsorce = \"x\"\n", ["unknown option 'sorce'"]),
            ("[server\nport = 1\n", ["cairn.toml:1:", "TOML syntax error"]),
        ]
        for item in cases {
            try item.config.write(toFile: directory.file("cairn.toml"), atomically: true, encoding: .utf8)
            for command in [["config", "check"], ["serve"]] {
                let result = try await CLI.run(command + ["--config", directory.file("cairn.toml")], in: directory.path)
                #expect(result.code == 2, "\(command) on \(item.config): \(result.err)")
                for text in item.mentions { #expect(result.err.contains(text), "\(text) missing in: \(result.err)") }
            }
        }
        // Nothing was created by the refused starts.
        #expect(!FileManager.default.fileExists(atPath: directory.file("var")))
    }

    @Test func configCheckPrintsResolvedSettingsWithSecretsRedacted() async throws {
        let directory = try TemporaryDirectory(prefix: "cairn-start")
        defer { directory.remove() }
        let secret = "s3cret-token-that-is-long-enough"
        try "[auth]\ntoken = \"\(secret)\"\n[[workflows]]\nname = \"w\"\ntype = \"seed-example\"\n"
            .write(toFile: directory.file("cairn.toml"), atomically: true, encoding: .utf8)
        let result = try await CLI.run(["config", "check", "--config", directory.file("cairn.toml")], in: directory.path)
        #expect(result.code == 0, "\(result.err)")
        #expect(!result.out.contains(secret))
        #expect(result.out.contains("[redacted]"))
        #expect(result.out.contains("\(directory.path)/var/cairn.sqlite"))
        #expect(result.out.contains("w  type=seed-example"))
    }

    @Test func aPortInUseAndAnUnwritableDataDirectoryAreReported() async throws {
        let serve = try await ServeProcess(config: { ServeProcess.seedConfig(directory: $0) })
        defer { serve.stop() }
        let other = try TemporaryDirectory(prefix: "cairn-start")
        defer { other.remove() }
        try ServeProcess.seedConfig(directory: other.path).write(toFile: other.file("cairn.toml"), atomically: true, encoding: .utf8)
        let busy = try await CLI.run(["serve", "--config", other.file("cairn.toml"), "--port", "\(serve.port)"], in: other.path)
        #expect(busy.code == 1)
        #expect(busy.err.contains("Port \(serve.port) on 127.0.0.1 is already in use"), "\(busy.err)")
        #expect(!FileManager.default.fileExists(atPath: other.file("data/cairn.sqlite")), "the busy port is found before the database is opened")

        // A regular file where the data directory should be.
        try "not a directory".write(toFile: other.file("blocker"), atomically: true, encoding: .utf8)
        try "[storage]\npath = \"\(other.file("blocker"))/cairn.sqlite\"\n".write(toFile: other.file("bad.toml"), atomically: true, encoding: .utf8)
        let unwritable = try await CLI.run(["serve", "--config", other.file("bad.toml"), "--port", "0"], in: other.path)
        #expect(unwritable.code == 1)
        #expect(unwritable.err.contains("blocker"), "\(unwritable.err)")
        // The running appliance is unaffected.
        let health = try await serve.request("GET", "/healthz")
        #expect(health.status == 200)
    }

    @Test func aSecondServeOnTheSameDatabaseExitsNamingTheFirst() async throws {
        let serve = try await ServeProcess(config: { ServeProcess.seedConfig(directory: $0) })
        defer { serve.stop() }
        let database = serve.directory.file("data/cairn.sqlite")
        let second = try await CLI.run(["serve", "--config", serve.configPath, "--port", "0"], in: serve.directory.path, timeout: .seconds(30))
        #expect(second.code != 0)
        #expect(second.err.contains("another cairn (pid \(serve.process.processIdentifier)) is using \(database)"), "\(second.err)")
        // The first appliance keeps serving.
        let health = try await serve.request("GET", "/healthz")
        #expect(health.status == 200)
    }
}
