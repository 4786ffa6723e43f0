import CairnApp
import CairnStock
import CairnTesting
import Foundation
import Testing

@Suite struct ConfigLoaderTests {
    /// The shipped sample must always load and say what the README says it does.
    @Test func theSampleConfigLoadsWithTheSeedWorkflow() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../etc/cairn.toml").standardized.path
        let config = try ConfigLoader.load(path: path)
        #expect(config.server.host == "127.0.0.1")
        #expect(config.server.port == 8787)
        #expect(config.storage.path == "var/cairn.sqlite")
        #expect(config.storage.dataDirectory == "var")
        #expect(config.storage.synchronous == .full)
        #expect(config.workflows.map(\.name) == ["my-workflow"])
        #expect(config.workflows.first?.options["source"] == .string("etc/sample-ips.json"))
        #expect(config.engine.shutdownGraceMilliseconds == 30_000)
        _ = try Appliance.build(config: config, configure: StockWorkflows.configure).registrations()
    }

    @Test func anEmptyConfigMeansTheDefaults() throws {
        let config = try ConfigLoader.parse("")
        #expect(config.server.port == 8787)
        #expect(config.engine.retentionMilliseconds == 30 * 86_400_000)
        #expect(config.server.idleTimeoutMilliseconds == 30_000)
        #expect(try ConfigLoader.parse("[server]\nidle_timeout = \"5 seconds\"\n").server.idleTimeoutMilliseconds == 5_000)
        #expect(try ConfigLoader.parse("[server]\nrequest_timeout = \"90 seconds\"\n").server.requestTimeoutMilliseconds == 90_000)
        #expect(try ConfigLoader.parse("").server.requestTimeoutMilliseconds == 60_000)
        #expect(config.workflows.isEmpty)
    }

    @Test(arguments: [
        ("[server]\nport = 70000\n", 2, "from 0 to 65535"),
        ("[server]\nport = 8787\n[storage]\nsynchronous = \"sometimes\"\n", 4, "use one of: full, normal"),
        ("[log]\nlevel = \"loud\"\n", 2, "use one of: trace"),
        ("[auth]\ntoken = \"short\"\n", 2, "at least 16 characters"),
        ("nonsense = 1\n", 1, "Unknown key 'nonsense' in the top level"),
        ("server = 5\n", 1, "must be a table"),
        ("[[workflows]]\ntype = \"seed-example\"\n", 1, "has no name"),
        ("[[workflows]]\nname = \"bad name!\"\ntype = \"seed-example\"\n", 2, "is not allowed"),
        ("[[workflows]]\nname = \"ok\"\n", 1, "has no type"),
        ("[[workflows]]\nname = \"a\"\ntype = \"seed-example\"\n\n[workflows.options]\nsource = 1979-05-27\n", 6, "must be a string, number, boolean, array or table"),
        ("[server]\nport = 1\n[storage]\npath = \"\"\n", 4, "storage.path is \"\"; it must name the database file"),
        ("[storage]\npath = \"var/\"\n", 2, "it must name the database file"),
        ("[storage]\npath = \"/tmp\"\n", 2, "\"/tmp\", a directory; it must name the database file"),
        ("[server]\nidle_timeout = \"2 days\"\n", 2, "from 1 second to 1 hour"),
        ("[server]\nrequest_timeout = \"2 hours\"\n", 2, "server.request_timeout must be from 1 second to 1 hour"),
        ("[server]\nidle_timeout = \"soon\"\n", 2, "not a duration"),
    ])
    func badValuesAreRefusedWithTheirLine(text: String, line: Int, mentions: String) throws {
        let error = try #require(throws: ConfigError.self) { try ConfigLoader.parse(text, source: "x.toml") }
        #expect(error.line == line, "\(error)")
        #expect(error.description.contains(mentions), "\(error)")
        #expect(error.description.hasPrefix("x.toml:\(line): "))
    }

    @Test func workflowOptionsAreCheckedByTheirType() throws {
        let config = try ConfigLoader.parse("[[workflows]]\nname = \"a\"\ntype = \"seed-example\"\n[workflows.options]\npause = \"soon\"\n", source: "x.toml")
        let error = try #require(throws: ConfigError.self) { try Appliance.build(config: config, configure: StockWorkflows.configure).registrations() }
        #expect(error.description.contains("option 'pause' = \"soon\" is not a duration"))
        #expect(error.line == 5)
    }

    @Test func aPauseLongerThanTheEngineAcceptsIsRefusedAtConfigTime() throws {
        let text = "[[workflows]]\nname = \"a\"\ntype = \"seed-example\"\n[workflows.options]\nsource = \"x\"\npause = \"400 days\"\n"
        let config = try ConfigLoader.parse(text, source: "x.toml")
        let error = try #require(throws: ConfigError.self) { try Appliance.build(config: config, configure: StockWorkflows.configure).registrations() }
        #expect(error.description.hasPrefix("x.toml:6: "), "\(error)")
        #expect(error.description.contains("option 'pause' = \"400 days\" is longer than 1 year"), "\(error)")
        // The limit itself is fine.
        let atLimit = try ConfigLoader.parse(text.replacingOccurrences(of: "400 days", with: "365 days"))
        _ = try Appliance.build(config: atLimit, configure: StockWorkflows.configure).registrations()
    }
}
