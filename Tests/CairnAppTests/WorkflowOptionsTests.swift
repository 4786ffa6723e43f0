import Cairn
import CairnApp
import Foundation
import Testing

/// Typed option accessors and nested option values, with the file and line in every error.
@Suite struct WorkflowOptionsTests {
    static let text = """
    [[workflows]]
    name = "w"
    type = "t"
    [workflows.options]
    retries = 3
    verbose = true
    endpoint = "https://example.net/api"
    every = "5 minutes"
    password = "hunter2-hunter2"
    labels = ["a", "b"]
    limits = { burst = 10, rate = 2.5 }

    [[workflows.options.targets]]
    url = "https://a.example"
    weight = 1

    [[workflows.options.targets]]
    url = "https://b.example"
    weight = "heavy"
    """

    struct Target: Decodable, Equatable {
        var url: String
        var weight: Int
    }

    func makeOptions(_ text: String = Self.text) throws -> WorkflowOptions {
        let config = try ConfigLoader.parse(text, source: "x.toml")
        let entry = try #require(config.workflows.first)
        return WorkflowOptions(values: entry.options, workflow: entry.name, file: "x.toml", line: entry.line, lines: entry.optionLines)
    }

    @Test func typedAccessorsReadTheirValues() throws {
        var options = try makeOptions()
        #expect(try options.int("retries", default: 0, range: 0...10) == 3)
        #expect(try options.bool("verbose", default: false))
        #expect(try options.url("endpoint")?.host == "example.net")
        #expect(try options.duration("every")?.milliseconds() == 300_000)
        let secret = try #require(try options.secret("password"))
        #expect(secret.value == "hunter2-hunter2")
        #expect("\(secret)" == "[redacted]")
        #expect(try options.array("labels") == [.string("a"), .string("b")])
        #expect(try options.table("limits") == ["burst": .int(10), "rate": .double(2.5)])
        #expect(options.json("limits") == ["burst": 10, "rate": 2.5])
        #expect(try options.string("absent", default: "fallback") == "fallback")
        #expect(options.secretKeys == ["password"])
    }

    @Test func nestedTablesDecodeAndMismatchesNameTheirPathAndLine() throws {
        var options = try makeOptions()
        let error = try #require(throws: ConfigError.self) { try options.decode([Target].self, "targets") }
        #expect(error.description.hasPrefix("x.toml:19: "), "\(error)")     // the nested value's own line
        #expect(error.description.contains("option 'targets[1].weight' has the wrong type"), "\(error)")

        var good = try makeOptions(Self.text.replacingOccurrences(of: "\"heavy\"", with: "2"))
        #expect(try good.decode([Target].self, "targets") == [Target(url: "https://a.example", weight: 1), Target(url: "https://b.example", weight: 2)])
    }

    @Test(arguments: [
        ("retries", 5, "must be from 0 to 2"),
        ("verbose", 6, "must be an integer, not a boolean"),
        ("labels", 10, "must be an integer, not an array"),
    ])
    func wrongTypesNameTheOptionsLine(key: String, line: Int, mentions: String) throws {
        var options = try makeOptions()
        let error = try #require(throws: ConfigError.self) { try options.int(key, range: 0...2) }
        #expect(error.description.contains(mentions), "\(error)")
        #expect(error.line == line, "\(error)")
    }

    @Test func badURLsDurationsAndSecretsAreRefused() throws {
        var options = try makeOptions()
        #expect(throws: ConfigError.self) { try options.url("every") }
        #expect(throws: ConfigError.self) { try options.duration("endpoint") }
        let error = try #require(throws: ConfigError.self) { try options.secret("retries") }
        #expect(!error.description.contains("3"), "a refused secret is not echoed: \(error)")
    }

    @Test func secretsCanComeFromTheEnvironment() throws {
        var options = try makeOptions("[[workflows]]\nname = \"w\"\ntype = \"t\"\n[workflows.options]\ntoken = { env = \"MY_TOKEN\" }\n")
        #expect(try options.secret("token", environment: ["MY_TOKEN": "from-env"])?.value == "from-env")
        let error = try #require(throws: ConfigError.self) { try options.secret("token", environment: [:]) }
        #expect(error.description.contains("$MY_TOKEN"))
    }

    @Test func unreadOptionsAreReported() throws {
        var options = try makeOptions()
        _ = try options.int("retries")
        let error = try #require(throws: ConfigError.self) { try options.finish() }
        #expect(error.description.contains("unknown option 'endpoint'"), "\(error)")
        #expect(error.line == 7, "\(error)")
    }
}
