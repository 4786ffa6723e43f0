import Cairn
@testable import CairnApp
import CairnStock
import CairnTesting
import Foundation
import Testing

/// `[[pipelines]]`: parsed with every step kind, and every mistake refused with the file,
/// the line and what to write instead, before anything runs.
@Suite struct PipelineConfigTests {
    private func build(_ text: String, environment: [String: String] = [:]) throws -> Appliance {
        try Appliance.build(config: ConfigLoader.parse(text, source: "x.toml", environment: environment), configure: StockWorkflows.configure)
    }

    static let full = """
        [secrets]
        api_token = "env:CAIRN_TEST_API_TOKEN"

        [plugins.http]
        allowed_hosts = ["api.example.com", "env:CAIRN_TEST_HOST"]

        [[pipelines]]
        name = "signup-lifecycle"
        params = { email = "string", plan = "string?" }
        output = { email = "{{ params.email }}", nudged = "{{ steps.nudge.output.status | default(0) }}" }

        [[pipelines.steps]]
        name = "welcome"
        action = "http.fetch"
        with = { url = "https://api.example.com/welcome", method = "POST", json = { to = "{{ params.email }}" }, bearer = "{{ secrets.api_token }}" }
        retries = { limit = 3, delay = "5 seconds", backoff = "constant" }
        timeout = "20 seconds"

        [[pipelines.steps]]
        name = "activation"
        wait_for_event = { type = "activated", timeout = "7 days", on_timeout = "continue" }

        [[pipelines.steps]]
        name = "nudge"
        action = "http.fetch"
        when = "{{ steps.activation.timed_out }}"
        with = { url = "https://api.example.com/nudge?e={{ params.email | urlencode }}" }
        continue_on_error = true

        [[pipelines.steps]]
        name = "later"
        sleep = "1 hour"
        """

    @Test func aFullPipelineParsesAndRegistersBesideTheWorkflows() throws {
        let appliance = try build(Self.full, environment: ["CAIRN_TEST_API_TOKEN": "t-1", "CAIRN_TEST_HOST": "crm.example.com"])
        let pipeline = try #require(appliance.config.pipelines.first)
        #expect(pipeline.name == "signup-lifecycle" && pipeline.steps.map(\.name) == ["welcome", "activation", "nudge", "later"])
        #expect(pipeline.params["email"]?.required == true && pipeline.params["plan"]?.required == false)
        #expect(pipeline.steps[0].config.retries.limit == 3 && pipeline.steps[0].config.timeout == .seconds(20))
        #expect(pipeline.steps[2].continueOnError && pipeline.steps[2].when != nil)
        // Plugin settings get env:/file: resolved; reports keep what was written.
        #expect(appliance.config.secrets == ["api_token": "t-1"] && appliance.config.pluginSettings["http"]?["allowed_hosts"] == ["api.example.com", "crm.example.com"])
        #expect(appliance.config.pluginSettingsWritten["http"]?["allowed_hosts"] == ["api.example.com", "env:CAIRN_TEST_HOST"])
        #expect(appliance.config.secretSources["api_token"]?.description == "env:CAIRN_TEST_API_TOKEN")
        let registered = try appliance.registrations()
        #expect(registered.contains { $0.name == "signup-lifecycle" && $0.type == "pipeline" })
    }

    /// Line 1 is `[[pipelines]]`, 2 the name, 3 `[[pipelines.steps]]`, 4 the step's name.
    static let mistakes: [(String, Int, [String])] = [
        ("action = \"mail.send\"", 5, ["no plugin named \"mail\"", "known: email, embeddings, http"]),
        ("action = \"http.get\"", 5, ["plugin http has no action \"get\"", "fetch"]),
        ("action = \"http.fetch\"\nwith = { url = \"ftp://x/y\" }", 6, ["only http and https"]),
        ("action = \"http.fetch\"\nwith = { url = \"https://x\", retries = 2 }", 6, ["unknown argument 'retries'"]),
        ("action = \"http.fetch\"\nwith = { url = \"https://x/{{ params.\" }", 6, ["with.url", "column"]),
        ("action = \"http.fetch\"\nwith = { url = \"https://x/{{ steps.later.output }}\" }\n[[pipelines.steps]]\nname = \"later\"\nsleep = \"1 hour\"", 6, ["a step that runs later"]),
        ("action = \"http.fetch\"\nwith = { url = \"https://x/{{ steps.ghost.output }}\" }", 6, ["no step of this pipeline"]),
        ("action = \"http.fetch\"\nwith = { url = \"https://x/{{ secrets.api }}\" }", 6, ["takes secrets only in"]),
        ("action = \"http.fetch\"\nwith = { url = \"https://x\", bearer = \"{{ secrets.missing }}\" }", 6, ["[secrets] does not define"]),
        ("sleep = \"soon\"", 5, ["sleep = \"soon\" is not a duration"]),
        ("sleep = \"1 hour\"\nwait_for_event = { type = \"x\" }", 6, ["has both sleep and wait_for_event"]),
        ("wait_for_event = { type = \"x\", on_timeout = \"retry\" }", 5, ["on_timeout = \"retry\" must be"]),
        ("sleep = \"1 hour\"\nwhen = \"{{ nope }}\"", 6, ["not where a path can start"]),
        ("", 3, ["does nothing"]),
        ("sleep = \"1 hour\"\n[[pipelines.steps]]\nname = \"s\"\nsleep = \"1 hour\"", 7, ["two steps are named \"s\""]),
        ("action = \"http.fetch\"", 4, ["url is missing"]),
        ("sleep = \"1 hour\"\nretries = { limit = 2 }", 6, ["retries applies only to action steps"]),
        ("sleep_until = \"tomorrow\"", 5, ["is not an RFC 3339 time"]),
        ("action = \"http.fetch\"\nwith = { url = \"{{ params.url }}\", method = \"TRACE\" }", 6, ["method 'TRACE' is not one of"]),
        ("action = \"http.fetch\"\nwith = { url = \"ftp://{{ params.host }}/x\" }", 6, ["only http and https"]),
        ("action = \"http.fetch\"\nwith = { url = \"{{ params.url }}\", timeout = \"soon\" }", 6, ["timeout 'soon' is not a duration"]),
        ("action = \"http.fetch\"\nwith = { url = \"http:///nohost\" }", 6, ["has no host"]),
    ]

    @Test func pluginSettingsAreCheckedByThePluginAndOutputsMayNotHoldSecrets() throws {
        let step = "[[pipelines]]\nname = \"p\"\n[[pipelines.steps]]\nname = \"s\"\nsleep = \"1 hour\"\n"
        let typo = try #require(throws: ConfigError.self) { try build("[plugins.http]\nallowed_host = [\"a\"]\n" + step) }
        #expect(typo.description.hasPrefix("x.toml:1: ") && typo.description.contains("no setting 'allowed_host'"), "\(typo)")
        let shape = try #require(throws: ConfigError.self) { try build("[plugins.http]\nallowed_hosts = \"a\"\n" + step) }
        #expect(shape.description.contains("must be an array of host patterns"), "\(shape)")
        let unknown = try #require(throws: ConfigError.self) { try build("[plugins.smtp]\nrelay = \"x\"\n" + step) }
        #expect(unknown.description.contains("no plugin named \"smtp\""), "\(unknown)")
        let leaking = try #require(throws: ConfigError.self) {
            try build("[secrets]\ntok = \"abcd1234\"\n[[pipelines]]\nname = \"p\"\noutput = { t = \"{{ secrets.tok }}\" }\n[[pipelines.steps]]\nname = \"s\"\nsleep = \"1 hour\"\n")
        }
        #expect(leaking.description.contains("may not hold secrets"), "\(leaking)")
    }

    @Test func emailStepsReadTheirTemplateFilesAtLoadAndNeedARelay() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.file("mail"), withIntermediateDirectories: true)
        try "<p>Hi {{ params.name }}</p>".write(toFile: dir.file("mail/w.html"), atomically: true, encoding: .utf8)
        let relay = "[plugins.email]\nurl = \"smtp://127.0.0.1:2525\"\ntls = \"none\"\nfrom = \"bot@example.com\"\n"
        func pipeline(_ with: String) -> String {
            "[[pipelines]]\nname = \"p\"\nparams = { name = \"string\" }\n[[pipelines.steps]]\nname = \"s\"\naction = \"email.send\"\nwith = \(with)\n"
        }
        func load(_ text: String) throws -> Appliance {
            try Appliance.build(config: ConfigLoader.parse(text, source: dir.file("cairn.toml")), configure: StockWorkflows.configure)
        }
        let good = try load(relay + pipeline("{ to = \"ada@example.com\", subject = \"Hi\", html_file = \"mail/w.html\" }"))
        guard case .action(_, _, let arguments)? = good.config.pipelines.first?.steps.first?.kind else { throw TestFailure("no action step") }
        #expect(try arguments.render(in: TemplateScope(params: ["name": "<Ada>"]))["html"] == "<p>Hi &lt;Ada&gt;</p>")

        let cases: [(String, String)] = [
            (pipeline("{ to = \"ada@example.com\", subject = \"Hi\", text = \"x\" }"), "needs a [plugins.email] table: [plugins.email] url is missing"),
            (relay + pipeline("{ to = \"ada@example.com\", subject = \"Hi\", text_file = \"mail/nope.txt\" }"), "mail/nope.txt cannot be read"),
            (relay + pipeline("{ to = \"ada@example.com\", subject = \"Hi\", html = \"x\", html_file = \"mail/w.html\" }"), "both html and html_file"),
            (relay + pipeline("{ to = \"not an address\", subject = \"Hi\", text = \"x\" }"), "email.send: to:"),
            (relay + pipeline("{ to = \"{{ params.name }}\", subject = \"Hi\\r\\nBcc: eve@example.com\", text = \"x\" }"), "subject holds a line break"),
        ]
        for (text, mention) in cases {
            let error = try #require(throws: ConfigError.self) { try load(text) }
            #expect(error.description.contains(mention), "\(mention) missing in: \(error)")
        }
    }

    @Test func embeddingsStepsMustNameADeclaredIndexAndTheRebuildWorkflowComesWithIndexes() throws {
        func pipeline(_ with: String) -> String {
            "[[pipelines]]\nname = \"p\"\nparams = { path = \"string\", index = \"string\" }\n[[pipelines.steps]]\nname = \"s\"\naction = \"embeddings.index\"\nwith = \(with)\n"
        }
        let docs = "[[indexes]]\nname = \"docs\"\n"
        let unknown = try #require(throws: ConfigError.self) { try build(docs + pipeline("{ index = \"nope\", path = \"{{ params.path }}\" }")) }
        #expect(unknown.description.contains("no index named \"nope\"") && unknown.description.contains("known: docs"), "\(unknown)")
        #expect(unknown.description.hasPrefix("x.toml:9: "), "\(unknown)")
        let none = try #require(throws: ConfigError.self) { try build(pipeline("{ index = \"docs\", path = \"{{ params.path }}\" }")) }
        #expect(none.description.contains("no index named \"docs\"") && none.description.contains("known: none"), "\(none)")
        let query = try #require(throws: ConfigError.self) {
            try build(docs + "[[pipelines]]\nname = \"q\"\n[[pipelines.steps]]\nname = \"s\"\naction = \"embeddings.query\"\nwith = { index = \"doc\", query = \"x\" }\n")
        }
        #expect(query.description.contains("no index named \"doc\""), "\(query)")
        // A templated index is checked when the step runs; a declared one passes.
        let templated = try build(docs + pipeline("{ index = \"{{ params.index }}\", path = \"{{ params.path }}\" }"))
        #expect(try templated.registrations().contains { $0.name == "cairn-index-rebuild" })
        #expect(try build(docs + pipeline("{ index = \"docs\", path = \"{{ params.path }}\" }")).registrations().count == 2)
        // Without [[indexes]] there is nothing to rebuild, and the name is free.
        #expect(try !build("[[pipelines]]\nname = \"cairn-index-rebuild\"\n[[pipelines.steps]]\nname = \"s\"\nsleep = \"1 hour\"\n").registrations().isEmpty)
        let taken = try #require(throws: ConfigError.self) {
            try build(docs + "[[pipelines]]\nname = \"cairn-index-rebuild\"\n[[pipelines.steps]]\nname = \"s\"\nsleep = \"1 hour\"\n")
        }
        #expect(taken.description.contains("is Cairn's own"), "\(taken)")
    }

    @Test(arguments: mistakes)
    func mistakesAreRefusedOnTheirLine(rest: String, line: Int, mentions: [String]) throws {
        let text = "[[pipelines]]\nname = \"p\"\n[[pipelines.steps]]\nname = \"s\"\n\(rest)\n"
        let error = try #require(throws: ConfigError.self) { try build(text) }
        #expect(error.description.hasPrefix("x.toml:\(line): "), "\(error)")
        for mention in mentions { #expect(error.description.contains(mention), "\(mention) missing in: \(error)") }
    }
}
