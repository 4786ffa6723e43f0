import Cairn
import CairnApp
import CairnStock
import CairnTesting
@testable import CairnTriggers
import Foundation
import Testing

/// `[[hooks]]` entries and the `[webhooks]` table: every key is read, secrets resolve from
/// their sources, and every mistake is refused with the file, the line of the offending key
/// and what to write instead, without ever showing a secret.
@Suite struct HookConfigTests {
    /// Appears in configs as a literal secret; must never appear in a message.
    static let sentinel = "s3ntinel-literal-secret"
    static let standardSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    /// One seed workflow (lines 1-3), then `hooks` from line 4.
    private func config(_ hooks: String) -> String {
        "[[workflows]]\nname = \"seed\"\ntype = \"seed-example\"\n" + hooks
    }

    private func build(_ text: String, environment: [String: String] = [:]) throws -> Appliance {
        try Appliance.build(config: ConfigLoader.parse(text, source: "x.toml", environment: environment), configure: StockWorkflows.configure)
    }

    @Test func aFullEntryOfEachSchemeKeepsEveryField() throws {
        let text = config("""
        [[hooks]]
        name = "gh"
        scheme = "github"
        secrets = ["\(Self.sentinel)", "older-secret"]
        max_body_bytes = 2048
        action = "create"
        workflow = "seed"
        headers = ["X-GitHub-Event", "X-GitHub-Delivery"]

        [[hooks]]
        name = "pay"
        scheme = "stripe"
        secrets = ["whsec_stripe"]
        tolerance = "10 minutes"
        action = "event"
        workflow = "seed"
        event_type = "payment-received"
        instance_pointer = "/data/object/metadata/cairn_instance"

        [[hooks]]
        name = "std"
        scheme = "standard"
        secrets = ["\(Self.standardSecret)"]
        action = "event"
        workflow = "seed"
        event_type = "done"
        instance_header = "X-Cairn-Instance"

        [[hooks]]
        name = "slack"
        scheme = "slack"
        secrets = ["slack-secret"]
        action = "create"
        workflow = "seed"

        [[hooks]]
        name = "shop"
        scheme = "shopify"
        secrets = ["shop-secret"]
        action = "create"
        workflow = "seed"

        [[hooks]]
        name = "custom"
        scheme = "hmac-sha256"
        secrets = ["custom-secret"]
        tolerance = "1 minute"
        action = "create"
        workflow = "seed"
        signature_header = "X-Signature"
        prefix = "sha256="
        encoding = "base64"
        timestamp_header = "X-Timestamp"
        signed_template = "{timestamp}.{id}.{body}"
        id_header = "X-Delivery"
        """)
        let settings = try build(text).config
        let hooks = Dictionary(uniqueKeysWithValues: settings.hooks.map { ($0.name, $0) })
        #expect(settings.hooks.map(\.name) == ["gh", "pay", "std", "slack", "shop", "custom"])
        let gh = try #require(hooks["gh"])
        #expect(gh.verifier.scheme == .github)
        #expect(gh.verifier.keys.map(\.bytes) == [Array(Self.sentinel.utf8), Array("older-secret".utf8)])
        #expect(gh.maxBodyBytes == 2048)
        #expect(gh.action == .create(workflow: "seed", headers: ["X-GitHub-Event", "X-GitHub-Delivery"]))
        #expect(gh.line == 4)
        #expect(settings.hookSecretSources["gh"] == [.literal, .literal])
        let pay = try #require(hooks["pay"])
        #expect(pay.verifier.scheme == .stripe && pay.verifier.tolerance == .seconds(600))
        #expect(pay.action == .event(workflow: "seed", eventType: "payment-received", instance: .pointer("/data/object/metadata/cairn_instance")))
        #expect(pay.maxBodyBytes == 1 << 20)
        let std = try #require(hooks["std"])
        #expect(std.verifier.scheme == .standard && std.verifier.tolerance == .seconds(300))
        #expect(std.action == .event(workflow: "seed", eventType: "done", instance: .header("X-Cairn-Instance")))
        #expect(hooks["slack"]?.verifier.scheme == .slack && hooks["slack"]?.action == .create(workflow: "seed", headers: []))
        #expect(hooks["shop"]?.verifier.scheme == .shopify)
        let custom = try #require(hooks["custom"])
        #expect(custom.verifier.scheme == .hmacSHA256 && custom.verifier.tolerance == .seconds(60))
        #expect(custom.verifier.custom == WebhookVerifier.CustomHMAC(signatureHeader: "X-Signature", prefix: "sha256=", encoding: .base64,
                                                                      timestampHeader: "X-Timestamp", signedTemplate: "{timestamp}.{id}.{body}", idHeader: "X-Delivery"))
        #expect(settings.webhooks.retentionMilliseconds == 7 * 86_400_000 && settings.webhooks.failureBurst == 20)
    }

    @Test func envAndFileSecretsResolveAtLoadTime() throws {
        let variable = "CAIRN_HOOK_CONFIG_TEST_\(UInt32.random(in: 0...UInt32.max))"
        setenv(variable, "from-the-environment", 1)
        defer { unsetenv(variable) }
        let directory = try TemporaryDirectory(prefix: "cairn-hooks")
        defer { directory.remove() }
        try "from-a-file\n".write(toFile: directory.file("secret"), atomically: true, encoding: .utf8)
        let text = config("[[hooks]]\nname = \"gh\"\nscheme = \"github\"\nsecrets = [\"env:\(variable)\", \"file:\(directory.file("secret"))\", \"inline\"]\naction = \"create\"\nworkflow = \"seed\"\n")
        // The process environment is the default, as `cairn serve` uses it.
        let appliance = try Appliance.build(config: ConfigLoader.parse(text, source: "x.toml"), configure: StockWorkflows.configure)
        let hook = try #require(appliance.config.hooks.first)
        #expect(hook.verifier.keys.map(\.bytes) == [Array("from-the-environment".utf8), Array("from-a-file".utf8), Array("inline".utf8)])
        #expect(appliance.config.hookSecretSources["gh"] == [.environment(variable), .file(directory.file("secret")), .literal])
    }

    @Test func theWebhooksTableIsRead() throws {
        let config = try ConfigLoader.parse("[webhooks]\nretention = \"2 days\"\nfailure_burst = 5\n")
        #expect(config.webhooks.retentionMilliseconds == 2 * 86_400_000 && config.webhooks.failureBurst == 5)
        let error = try #require(throws: ConfigError.self) { try ConfigLoader.parse("[webhooks]\nfailure_burst = 0\n", source: "x.toml") }
        #expect(error.line == 2 && error.description.contains("from 1 to"), "\(error)")
        let unknown = try #require(throws: ConfigError.self) { try ConfigLoader.parse("[webhooks]\nretension = \"1 day\"\n", source: "x.toml") }
        #expect(unknown.line == 2 && unknown.description.contains("Did you mean 'retention'?"), "\(unknown)")
    }

    /// Mistakes the parser sees on its own. Line 1 is `[[hooks]]`, line 2 the name, line 3 the
    /// scheme; the rows give the rest of the entry.
    @Test(arguments: [
        ("scheme = \"gitlab\"\nsecrets = [\"\(sentinel)\"]\naction = \"create\"\nworkflow = \"seed\"", 3, ["scheme = \"gitlab\" is not a signing scheme", "github, stripe, standard, slack, shopify, hmac-sha256"]),
        ("scheme = \"github\"\naction = \"create\"\nworkflow = \"seed\"", 1, ["has no secrets", "secrets = [\"env:GH_WEBHOOK_SECRET\"]"]),
        ("scheme = \"github\"\nsecrets = []\naction = \"create\"\nworkflow = \"seed\"", 4, ["secrets is empty", "add at least one"]),
        ("scheme = \"github\"\nsecrets = \"\(sentinel)\"\naction = \"create\"\nworkflow = \"seed\"", 4, ["secrets must be an array of strings"]),
        ("scheme = \"github\"\nsecrets = [\"\(sentinel)\", \"env:CAIRN_HOOK_TEST_UNSET\"]\naction = \"create\"\nworkflow = \"seed\"", 4, ["secret number 2", "env:CAIRN_HOOK_TEST_UNSET", "not set", "Export it"]),
        ("scheme = \"github\"\nsecrets = [\"\(sentinel)\"]\naction = \"create\"\nworkflow = \"seed\"\nheaders = [\"X-GitHub-Event\", \"Authorization\"]", 7, ["Authorization, a credential header"]),
        ("scheme = \"github\"\nsecrets = [\"ENV:GH_SECRET\"]\naction = \"create\"\nworkflow = \"seed\"", 4, ["'ENV:' is not a secret source", "env: in lower case"]),
        ("scheme = \"stripe\"\nsecrets = [\"\(sentinel)\"]\naction = \"create\"\nworkflow = \"seed\"", 4, ["does not start with 'whsec_'", "Stripe dashboard"]),
        ("scheme = \"stripe\"\nsecrets = [\"whsec_\(sentinel)\"]\ntolerance = \"2 hours\"\naction = \"create\"\nworkflow = \"seed\"", 5, ["longer than 1 hour"]),
        ("scheme = \"github\"\nsecrets = [\"file:/nonexistent/cairn-hook-secret\"]\naction = \"create\"\nworkflow = \"seed\"", 4, ["file:/nonexistent/cairn-hook-secret does not exist", "Create it"]),
        ("scheme = \"github\"\nsecrets = [\"\(sentinel)\"]\naction = \"create\"", 1, ["has no workflow", "Add workflow ="]),
        ("scheme = \"github\"\nsecrets = [\"\(sentinel)\"]\naction = \"event\"\nworkflow = \"seed\"\ninstance_header = \"X-I\"", 1, ["has no event_type", "step.waitForEvent"]),
        ("scheme = \"github\"\nsecrets = [\"\(sentinel)\"]\naction = \"event\"\nworkflow = \"seed\"\nevent_type = \"e\"", 1, ["has no instance_header or instance_pointer"]),
        ("scheme = \"github\"\nsecrets = [\"\(sentinel)\"]\naction = \"event\"\nworkflow = \"seed\"\nevent_type = \"e\"\ninstance_header = \"X-I\"\ninstance_pointer = \"/id\"", 9, ["both instance_header and instance_pointer", "keep exactly one"]),
        ("scheme = \"github\"\nsecrets = [\"\(sentinel)\"]\naction = \"event\"\nworkflow = \"seed\"\nevent_type = \"e\"\ninstance_pointer = \"data/id\"", 8, ["is not a JSON Pointer", "start with '/'"]),
        ("scheme = \"github\"\nsecrets = [\"\(sentinel)\"]\naction = \"event\"\nworkflow = \"seed\"\nevent_type = \"e\"\ninstance_pointer = \"/a~2\"", 8, ["is not a JSON Pointer", "~0"]),
        ("scheme = \"github\"\nsecrets = [\"\(sentinel)\"]\naction = \"create\"\nworkflow = \"seed\"\nevent_type = \"e\"", 7, ["event_type applies only to action = \"event\""]),
        ("scheme = \"github\"\nsecrets = [\"\(sentinel)\"]\naction = \"event\"\nworkflow = \"seed\"\nevent_type = \"e\"\ninstance_header = \"X-I\"\nheaders = [\"X-A\"]", 9, ["headers applies only to action = \"create\""]),
        ("scheme = \"github\"\nsecrets = [\"\(sentinel)\"]\naction = \"delete\"\nworkflow = \"seed\"", 5, ["action = \"delete\" is not an action", "\"create\"", "\"event\""]),
        ("scheme = \"hmac-sha256\"\nsecrets = [\"\(sentinel)\"]\naction = \"create\"\nworkflow = \"seed\"", 1, ["has no signature_header", "signature_header = \"X-Signature\""]),
        ("scheme = \"github\"\nsecrets = [\"\(sentinel)\"]\naction = \"create\"\nworkflow = \"seed\"\nsignature_header = \"X-Sig\"", 7, ["signature_header applies only to scheme = \"hmac-sha256\"", "github signs with fixed headers"]),
        ("scheme = \"github\"\nsecrets = [\"\(sentinel)\"]\ntolerance = \"1 minute\"\naction = \"create\"\nworkflow = \"seed\"", 5, ["tolerance applies only when the signature covers a timestamp", "Remove tolerance"]),
        ("scheme = \"stripe\"\nsecrets = [\"\(sentinel)\"]\ntolerance = \"soon\"\naction = \"create\"\nworkflow = \"seed\"", 5, ["tolerance = \"soon\" is not a duration", "5 minutes"]),
        ("scheme = \"github\"\nsecrets = [\"\(sentinel)\"]\nmax_body_bytes = 0\naction = \"create\"\nworkflow = \"seed\"", 5, ["max_body_bytes = 0", "from 1 to 67108864", "1 MiB"]),
        ("scheme = \"github\"\nsecret = [\"\(sentinel)\"]\naction = \"create\"\nworkflow = \"seed\"", 4, ["Unknown key 'secret' in [hooks]", "Did you mean 'secrets'?"]),
        ("scheme = \"standard\"\nsecrets = [\"whsec_\(sentinel)!\"]\naction = \"create\"\nworkflow = \"seed\"", 4, ["Secret number 1", "not 'whsec_' followed by base64"]),
        ("scheme = \"hmac-sha256\"\nsecrets = [\"\(sentinel)\"]\naction = \"create\"\nworkflow = \"seed\"\nsignature_header = \"X-Sig\"\ntimestamp_header = \"X-Ts\"", 8, ["needs a signed template", "{timestamp}.{body}"]),
        ("scheme = \"hmac-sha256\"\nsecrets = [\"\(sentinel)\"]\naction = \"create\"\nworkflow = \"seed\"\nsignature_header = \"X-Sig\"\nsigned_template = \"{ts}.{body}\"", 8, ["unknown placeholder {ts}"]),
        ("scheme = \"hmac-sha256\"\nsecrets = [\"\(sentinel)\"]\naction = \"create\"\nworkflow = \"seed\"\nsignature_header = \"X Sig\"", 7, ["must be a header name"]),
        ("scheme = \"hmac-sha256\"\nsecrets = [\"\(sentinel)\"]\naction = \"create\"\nworkflow = \"seed\"\nsignature_header = \"X-Sig\"\nencoding = \"base32\"", 8, ["encoding = \"base32\" is not an encoding", "\"hex\"", "\"base64\""]),
        ("scheme = \"github\"\nsecrets = [\"\(sentinel)\"]\naction = \"event\"\nworkflow = \"seed\"\nevent_type = \"has space\"\ninstance_header = \"X-I\"", 7, ["event_type = \"has space\" is not allowed"]),
    ] as [(String, Int, [String])])
    func badValuesAreRefusedOnTheirLineWithAHint(rest: String, line: Int, mentions: [String]) throws {
        let text = "[[hooks]]\nname = \"gh\"\n\(rest)\n"
        let error = try #require(throws: ConfigError.self) { try ConfigLoader.parse(text, source: "x.toml", environment: [:]) }
        #expect(error.description.hasPrefix("x.toml:\(line): "), "\(error)")
        #expect(error.description.contains("Hook \"gh\"") || error.description.contains("[hooks]"), "\(error)")
        for text in mentions { #expect(error.description.contains(text), "\(text) missing in: \(error)") }
        #expect(!error.description.contains(Self.sentinel), "a secret leaked: \(error)")
    }

    @Test(arguments: [
        ("[[hooks]]\nscheme = \"github\"\n", 1, "has no name. Add name = \"github\""),
        ("[[hooks]]\nname = \"bad name\"\n", 2, "use 1 to 48 letters, digits"),
        ("[[hooks]]\nname = \"gh\"\nsecrets = [\"x\"]\n", 1, "has no scheme. Add scheme ="),
        ("[[hooks]]\nname = \"gh\"\nscheme = \"github\"\nsecrets = [\"x\"]\nworkflow = \"seed\"\n", 1, "has no action. Add action = \"create\""),
        ("hooks = 3\n", 1, "must be an array of tables ([[hooks]])"),
    ] as [(String, Int, String)])
    func missingOrMisshapenEntriesAreRefused(text: String, line: Int, mentions: String) throws {
        let error = try #require(throws: ConfigError.self) { try ConfigLoader.parse(text, source: "x.toml", environment: [:]) }
        #expect(error.line == line, "\(error)")
        #expect(error.description.contains(mentions), "\(error)")
    }

    @Test func aDuplicateNameIsRefusedOnTheSecondEntry() throws {
        let entry = "[[hooks]]\nname = \"gh\"\nscheme = \"github\"\nsecrets = [\"\(Self.sentinel)\"]\naction = \"create\"\nworkflow = \"seed\"\n"
        let error = try #require(throws: ConfigError.self) { try ConfigLoader.parse(entry + "\n" + entry, source: "x.toml") }
        #expect(error.line == 9, "\(error)")
        #expect(error.description.contains("Duplicate hook name \"gh\" (first defined at line 2)"), "\(error)")
        #expect(error.description.contains("Give each hook its own name"))
        #expect(!error.description.contains(Self.sentinel))
    }

    @Test(arguments: ["create", "event"])
    func aHookForAWorkflowTheApplianceDoesNotServeIsRefusedOnItsWorkflowLine(action: String) throws {
        let event = action == "event" ? "event_type = \"e\"\ninstance_header = \"X-I\"\n" : ""
        let text = config("[[hooks]]\nname = \"gh\"\nscheme = \"github\"\nsecrets = [\"\(Self.sentinel)\"]\naction = \"\(action)\"\nworkflow = \"sed\"\n\(event)")
        let error = try #require(throws: ConfigError.self) { try build(text) }
        #expect(error.description.hasPrefix("x.toml:9: "), "\(error)")
        #expect(error.description.contains("workflow \"sed\", which this appliance does not serve"), "\(error)")
        #expect(error.description.contains("Known workflows: seed"), "\(error)")
        #expect(!error.description.contains(Self.sentinel))
    }

    @Test func aTOMLSyntaxErrorInTheSecretsLineDoesNotShowTheSecret() throws {
        let error = try #require(throws: ConfigError.self) {
            try ConfigLoader.parse("[[hooks]]\nname = \"gh\"\nsecrets = [\"\(Self.sentinel)\"\n", source: "x.toml")
        }
        #expect(!error.description.contains(Self.sentinel), "\(error)")
    }
}
