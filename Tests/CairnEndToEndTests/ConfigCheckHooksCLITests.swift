import CairnTesting
import Foundation
import Testing

/// `cairn config check` lists the hooks with where their secrets come from, `--json` holds
/// them with the secrets reduced to their source, and no secret value is ever printed: not
/// in the report, not in an error.
@Suite struct ConfigCheckHooksCLITests {
    static let envSecret = "whsec_env-secret-value-4711"
    static let fileSecret = "file-secret-value-0815"
    static let literalSecret = "literal-secret-value-1234"
    static let variable = "CAIRN_E2E_HOOK_SECRET"

    static func config(secretFile: String) -> String {
        """
        [[workflows]]
        name = "seed"
        type = "seed-example"

        [webhooks]
        retention = "3 days"

        [[hooks]]
        name = "gh"
        scheme = "github"
        secrets = ["env:\(variable)", "file:\(secretFile)", "\(literalSecret)"]
        action = "create"
        workflow = "seed"
        headers = ["X-GitHub-Event"]

        [[hooks]]
        name = "pay"
        scheme = "stripe"
        secrets = ["env:\(variable)"]
        tolerance = "10 minutes"
        max_body_bytes = 4096
        action = "event"
        workflow = "seed"
        event_type = "paid"
        instance_pointer = "/data/object/metadata/cairn_instance"

        """
    }

    private func setUp() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory(prefix: "cairn-hooks")
        try "\(Self.fileSecret)\n".write(toFile: directory.file("gh-secret"), atomically: true, encoding: .utf8)
        try Self.config(secretFile: directory.file("gh-secret")).write(toFile: directory.file("cairn.toml"), atomically: true, encoding: .utf8)
        return directory
    }

    private func expectNoSecret(_ text: String) {
        for secret in [Self.envSecret, Self.fileSecret, Self.literalSecret] {
            #expect(!text.contains(secret), "a secret leaked: \(text)")
        }
    }

    @Test func theTextReportListsEachHookWithItsSecretSources() async throws {
        let directory = try setUp()
        defer { directory.remove() }
        let result = try await CLI.run(["config", "check", "--config", directory.file("cairn.toml")], in: directory.path,
                                       environment: [Self.variable: Self.envSecret])
        #expect(result.code == 0, "\(result.err)")
        expectNoSecret(result.out + result.err)
        let lines = result.out.split(separator: "\n").map(String.init)
        let header = try #require(lines.firstIndex(of: "hooks:"))
        #expect(lines[header + 1].hasPrefix("  NAME"))
        let gh = try #require(lines.first { $0.hasPrefix("  gh ") })
        for text in ["github", "create (+ headers X-GitHub-Event)", "seed", "3 secrets from env:\(Self.variable), file:\(directory.file("gh-secret")), literal", "1048576 bytes"] {
            #expect(gh.contains(text), "\(text) missing in: \(gh)")
        }
        let pay = try #require(lines.first { $0.hasPrefix("  pay ") })
        for text in ["stripe", "event paid (instance at /data/object/metadata/cairn_instance)", "1 secret from env:\(Self.variable)", "10 minutes", "4096 bytes"] {
            #expect(pay.contains(text), "\(text) missing in: \(pay)")
        }
        #expect(result.out.contains("deliveries kept 3 days"), "\(result.out)")
    }

    @Test func jsonHoldsTheHooksWithSecretsReducedToTheirSource() async throws {
        let directory = try setUp()
        defer { directory.remove() }
        let result = try await CLI.run(["config", "check", "--json", "--config", directory.file("cairn.toml")], in: directory.path,
                                       environment: [Self.variable: Self.envSecret])
        #expect(result.code == 0, "\(result.err)")
        expectNoSecret(result.out + result.err)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        #expect((root["webhooks"] as? [String: Any])?["retention_ms"] as? Int == 3 * 86_400_000)
        #expect((root["webhooks"] as? [String: Any])?["failure_burst"] as? Int == 20)
        let hooks = try #require(root["hooks"] as? [[String: Any]])
        try #require(hooks.count == 2)
        let secrets = try #require(hooks[0]["secrets"] as? [[String: String]])
        #expect(secrets == [["source": "env", "name": Self.variable], ["source": "file", "path": directory.file("gh-secret")], ["source": "literal"]])
        #expect(hooks[0]["tolerance_ms"] is NSNull)
        #expect(hooks[0]["headers"] as? [String] == ["X-GitHub-Event"])
        #expect(hooks[1]["action"] as? String == "event")
        #expect(hooks[1]["tolerance_ms"] as? Int == 600_000)
        #expect(hooks[1]["instance_pointer"] as? String == "/data/object/metadata/cairn_instance")
        #expect(hooks[1]["line"] as? Int == 16)
    }

    @Test func anUnsetVariableFailsTheCheckAndServeWithItsLineAndNoSecret() async throws {
        let directory = try setUp()
        defer { directory.remove() }
        for command in [["config", "check"], ["serve"]] {
            let result = try await CLI.run(command + ["--config", directory.file("cairn.toml")], in: directory.path)
            #expect(result.code == 2, "\(command): \(result.err)")
            #expect(result.err.contains("cairn.toml:11: Hook \"gh\": secret number 1: env:\(Self.variable) names an environment variable that is not set"), "\(result.err)")
            expectNoSecret(result.out + result.err)
        }
        #expect(!FileManager.default.fileExists(atPath: directory.file("var")))
    }
}
