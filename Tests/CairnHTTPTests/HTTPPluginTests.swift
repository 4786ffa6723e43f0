import Cairn
import CairnEngine
import CairnStore
import CairnTesting
@testable import CairnHTTP
import Foundation
import Testing

/// `http.fetch` as pipelines call it (JSON arguments, validated before anything runs), and
/// inside a real engine's step, where a 429's `Retry-After` sets the next attempt's delay.
@Suite struct HTTPPluginTests {
    static let refusals: [(JSONValue, String)] = [
        (["method": "GET"], "url is missing"),
        (["url": "ftp://example.com/x"], "only http and https"),
        (["url": "file:///etc/passwd"], "only http and https"),
        (["url": "https://example.com", "method": "TRACE"], "method 'TRACE' is not one of"),
        (["url": "https://example.com", "json": [1], "text": "x"], "give one body"),
        (["url": "https://example.com", "timeout": "soon"], "timeout 'soon' is not a duration"),
        (["url": "https://example.com", "max_bytes": -1], "max_bytes must be a whole number"),
        (["url": "https://example.com", "headers": ["X": ["nested"]]], "headers.X must be a string"),
        (["url": "https://example.com", "expect_status": [99]], "expect_status must be an array of HTTP statuses"),
        (["url": "https://example.com", "bearer": "a", "basic": ["user": "u", "password": "p"]], "bearer or basic, not both"),
        (["url": "https://example.com", "retries": 3], "unknown argument 'retries'"),
        (.string("https://example.com"), "must be a table"),
    ]

    @Test(arguments: refusals)
    func argumentsAreCheckedBeforeAnythingRuns(_ arguments: JSONValue, _ mention: String) throws {
        let action = try #require(HTTPPlugin().actions["fetch"])
        let error = try #require(throws: WorkflowError.self) { try action.validate(arguments) }
        #expect(error.code == .invalidArguments && error.message.hasPrefix("http.fetch: ") && error.message.contains(mention), "\(error.message)")
    }

    @Test func theJSONEntryPointFetchesAndKeepsCredentialsOutOfItsOutput() async throws {
        let server = try await LoopbackServer()
        defer { server.stop() }
        let action = try #require(HTTPPlugin().actions["fetch"])
        let output = try await action.run(["url": .string(server.base + "/echo"), "method": "POST", "json": ["a": 1], "bearer": "sekrit-token"],
                                          PluginContext(workflow: "w", instanceID: "i", step: "s", attempt: 1))
        #expect(output["status"] == .int(200))
        #expect(output["body"]?["method"] == "POST" && output["body"]?["body"] == #"{"a":1}"#)
        // The server saw the token; the step's output holds only what the server answered.
        #expect(output["body"]?["headers"]?["authorization"] == "Bearer sekrit-token")
        #expect(!output["headers"]!.jsonData().contains(Data("sekrit".utf8)))
        let denied = PluginContext(workflow: "w", instanceID: "i", step: "s", attempt: 1, settings: ["allowed_hosts": ["api.example.com"]])
        await #expect(throws: NonRetryableError.self) { try await action.run(["url": .string(server.base + "/json")], denied) }
    }

    /// Fetches /throttled (429 with Retry-After: 7 first, then 200) with a 1-second policy.
    struct Throttled: Workflow {
        let url: String
        let probe: StepProbe
        func run(event: WorkflowEvent<NoParams>, step: WorkflowStep) async throws -> JSONValue {
            try await step.do("fetch", config: StepConfig(retries: RetryPolicy(limit: 3, delay: "1 second", backoff: .constant))) { _ in
                probe.record("fetch")
                return try await HTTP.fetch(.get(url)).jsonValue["body"] ?? .null
            }
        }
    }

    @Test func a429sRetryAfterIsTheNextAttemptsDelayAndA404IsNotRetried() async throws {
        let server = try await LoopbackServer()
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let clock = ManualClock()
        let probe = StepProbe()
        let missing = StepProbe()
        var configuration = EngineConfiguration()
        configuration.suspendAfter = .seconds(86_400)      // waits stay in memory
        try await withTestEngine(databasePath: dir.file("c.sqlite"), clock: clock, configuration: configuration, register: {
            try $0.register(Throttled(url: server.base + "/throttled", probe: probe), as: "throttled")
            try $0.register(Throttled(url: server.base + "/missing", probe: missing), as: "missing")
        }) { engine in
            _ = try await engine.create("throttled", id: "t")
            try await probe.waitUntilRun("fetch", times: 1)
            // The policy says 1 s; the server said 7 s: the engine waits 7.
            try await clock.waitForSleeper(secondsFromNow: 7)
            clock.advance(by: 7)
            let done = try await engine.waitForCompletion("throttled", id: "t")
            #expect(done.output == Data(#"{"ok":true}"#.utf8))
            #expect(probe.runs(of: "fetch") == 2)

            _ = try await engine.create("missing", id: "m")
            let failed = try await engine.waitForCompletion("missing", id: "m")
            #expect(failed.status == .errored)
            #expect(missing.runs(of: "fetch") == 1)
        }
    }
}
