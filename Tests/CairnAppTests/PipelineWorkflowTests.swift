import Cairn
@testable import CairnApp
import CairnEngine
import CairnStore
import CairnTesting
import Foundation
import Logging
import Synchronization
import Testing

/// A plugin for tests: `test.echo` returns its arguments (and counts its runs), `test.fail`
/// always fails for good.
struct EchoPlugin: CairnPlugin {
    final class Counter: Sendable {
        let count = Mutex(0)
    }

    let runs = Counter()
    let name = "test"

    var actions: [String: PluginAction] {
        [
            "echo": PluginAction(secretArguments: ["token"], validate: { _ in }) { arguments, context in
                runs.count.withLock { $0 += 1 }
                context.log("echoing \(arguments["token"]?.stringValue ?? "nothing")")
                return ["arguments": arguments, "step": .string(context.step), "attempt": .int(Int64(context.attempt))]
            },
            "fail": PluginAction(validate: { _ in }) { _, _ in throw NonRetryableError("the test plugin refuses") },
            // Two durable steps of its own, named after the pipeline step.
            "batches": PluginAction(validate: { _ in }, compound: { arguments, context, step in
                var total: Int64 = 0
                for batch in 0..<2 {
                    total += try await step.do("\(context.step) batch \(batch)") { _ in (arguments["per_batch"]?.intValue ?? 0) }
                }
                return ["total": .int(total)]
            }),
        ]
    }
}

/// Pipelines run by a real engine: actions as durable steps, sleeps, waits, `when`,
/// `continue_on_error` and the output template.
@Suite struct PipelineWorkflowTests {
    private func step(_ name: String, _ kind: PipelineDefinition.Step.Kind, when: String? = nil, continueOnError: Bool = false) throws -> PipelineDefinition.Step {
        PipelineDefinition.Step(name: name, kind: kind, when: try when.map { try Template.parse($0) }, continueOnError: continueOnError)
    }

    /// Runs `body` with an engine (waits kept in memory for 30 days) serving `workflow` as `name`.
    private func run(_ workflow: PipelineWorkflow, as name: String, clock: ManualClock = ManualClock(),
                     _ body: @Sendable (Engine) async throws -> Void) async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var configuration = EngineConfiguration()
        configuration.suspendAfter = .seconds(86_400 * 30)
        try await withTestEngine(databasePath: dir.file("c.sqlite"), clock: clock, configuration: configuration,
                                 register: { try $0.register(workflow, as: name) }, body)
    }

    @Test func stepsRunInOrderWithTemplatesWhenAndAnOutput() async throws {
        let plugin = EchoPlugin()
        let definition = PipelineDefinition(name: "signup", params: ["email": (.string, true), "plan": (.string, false)], steps: [
            try step("greet", .action(plugin: "test", action: "echo", arguments: try TemplateValue.parse(["to": "{{ params.email }}", "token": "{{ secrets.api }}"]))),
            try step("pause", .sleep("1 hour")),
            try step("activation", .waitForEvent(type: "activated", timeout: "1 day", continueOnTimeout: true)),
            try step("nudge", .action(plugin: "test", action: "echo", arguments: try TemplateValue.parse(["why": "timed out: {{ steps.activation.timed_out }}"])),
                     when: "{{ steps.activation.timed_out }}"),
            try step("broken", .action(plugin: "test", action: "fail", arguments: .literal(.object([:]))), continueOnError: true),
        ], output: try TemplateValue.parse(["greeted": "{{ steps.greet.output.arguments.to }}", "nudged": "{{ steps.nudge.output.skipped | default(false) }}",
                                            "broken": "{{ steps.broken.output.error.message }}"]))
        let workflow = PipelineWorkflow(definition: definition, plugins: ["test": plugin], settings: [:], secrets: ["api": "k-1"])
        let clock = ManualClock()
        try await run(workflow, as: "signup", clock: clock) { engine in
            // The schema is checked at creation.
            await #expect(throws: EngineError.self) { _ = try await engine.createInstance("signup", id: "bad", paramsJSON: Data(#"{"plan": "pro"}"#.utf8)) }
            await #expect(throws: EngineError.self) { _ = try await engine.createInstance("signup", id: "bad2", paramsJSON: Data(#"{"email": 7}"#.utf8)) }
            // The event arrives: nudge is skipped.
            _ = try await engine.createInstance("signup", id: "a", paramsJSON: Data(#"{"email": "ada@example.com"}"#.utf8))
            try await clock.waitForSleeper(secondsFromNow: 3600)
            clock.advance(by: 3600)
            _ = try await engine.waitFor("signup", id: "a") { $0.status == .waiting }
            try await engine.sendEvent("signup", id: "a", type: "activated", payload: Data("{}".utf8))
            let done = try await engine.waitForCompletion("signup", id: "a")
            let output = try JSONValue(json: try #require(done.output))
            #expect(output["greeted"] == "ada@example.com")
            #expect(output["nudged"] == true)         // skipped
            #expect(output["broken"] == "the test plugin refuses")
            #expect(plugin.runs.count.withLock { $0 } == 1)
            let steps = try engine.describe("signup", id: "a").steps.map(\.key.name)
            #expect(steps == ["greet", "pause", "activation", "broken"])
        }
    }

    @Test func aCompoundActionMakesItsOwnDurableSteps() async throws {
        let definition = PipelineDefinition(name: "embed", steps: [
            try step("index", .action(plugin: "test", action: "batches", arguments: try TemplateValue.parse(["per_batch": "{{ params.n }}"]))),
        ])
        let workflow = PipelineWorkflow(definition: definition, plugins: ["test": EchoPlugin()], settings: [:], secrets: [:])
        try await run(workflow, as: "embed") { engine in
            _ = try await engine.createInstance("embed", id: "e", paramsJSON: Data(#"{"n": 5}"#.utf8))
            let done = try await engine.waitForCompletion("embed", id: "e")
            #expect(try JSONValue(json: try #require(done.output))["total"] == .int(10))
            #expect(try engine.describe("embed", id: "e").steps.map(\.key.name) == ["index batch 0", "index batch 1"])
        }
    }

    @Test func sleepUntilWaitsForTheRenderedTimeAndABadTimeFailsWithWhatItGot() async throws {
        let definition = PipelineDefinition(name: "later", steps: [try step("wait", .sleepUntil(try Template.parse("{{ params.at }}")))])
        let workflow = PipelineWorkflow(definition: definition, plugins: [:], settings: [:], secrets: [:])
        let clock = ManualClock()
        try await run(workflow, as: "later", clock: clock) { engine in
            let at = Date.ISO8601FormatStyle().format(clock.now().addingTimeInterval(7200))
            _ = try await engine.createInstance("later", id: "ok", paramsJSON: Data(#"{"at": "\#(at)"}"#.utf8))
            try await clock.waitForSleeper(secondsFromNow: 7200)
            clock.advance(by: 7200)
            let done = try await engine.waitForCompletion("later", id: "ok")
            #expect(try JSONValue(json: try #require(done.output))["until"] == .string(at))
            _ = try await engine.createInstance("later", id: "bad", paramsJSON: Data(#"{"at": "tomorrow"}"#.utf8))
            let failed = try await engine.waitForCompletion("later", id: "bad")
            #expect(failed.status == .errored && failed.error?.message.contains("not an RFC 3339 time") == true, "\(String(describing: failed.error))")
        }
    }

    @Test func aSecretEchoedBackIsRedactedFromTheStepsOutput() async throws {
        let definition = PipelineDefinition(name: "echo", steps: [
            try step("call", .action(plugin: "test", action: "echo", arguments: try TemplateValue.parse(["token": "Bearer {{ secrets.api }}"]))),
        ])
        let workflow = PipelineWorkflow(definition: definition, plugins: ["test": EchoPlugin()], settings: [:], secrets: ["api": "s3cret-value"])
        try await run(workflow, as: "echo") { engine in
            _ = try await engine.createInstance("echo", id: "e", paramsJSON: Data("{}".utf8))
            let done = try await engine.waitForCompletion("echo", id: "e")
            let output = String(decoding: try #require(done.output), as: UTF8.self)
            #expect(!output.contains("s3cret-value") && output.contains("Bearer [redacted]"), "\(output)")
        }
    }

    /// Keeps what is logged.
    struct Capture: LogHandler {
        final class Lines: Sendable { let all = Mutex<[String]>([]) }
        let lines: Lines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
            let where_ = (metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            lines.all.withLock { $0.append("\(message) \(where_)") }
        }
    }

    @Test func aPluginsLogLinesCarryWhereTheyRanWithSecretsRedacted() async throws {
        let lines = Capture.Lines()
        let definition = PipelineDefinition(name: "logged", steps: [
            try step("call", .action(plugin: "test", action: "echo", arguments: try TemplateValue.parse(["token": "{{ secrets.api }}"]))),
        ])
        var workflow = PipelineWorkflow(definition: definition, plugins: ["test": EchoPlugin()], settings: [:], secrets: ["api": "s3cret-value"])
        workflow.logger = Logger(label: "test") { _ in Capture(lines: lines) }
        try await run(workflow, as: "logged") { engine in
            _ = try await engine.createInstance("logged", id: "l", paramsJSON: Data("{}".utf8))
            _ = try await engine.waitForCompletion("logged", id: "l")
        }
        #expect(lines.all.withLock { $0 } == ["echoing [redacted] instance=l step=call workflow=logged"])
    }

    @Test func aTimedOutWaitRunsTheStepThatWaitsForIt() async throws {
        let plugin = EchoPlugin()
        let definition = PipelineDefinition(name: "lifecycle", steps: [
            try step("activation", .waitForEvent(type: "activated", timeout: "1 day", continueOnTimeout: true)),
            try step("nudge", .action(plugin: "test", action: "echo", arguments: .literal(["n": 1])), when: "{{ steps.activation.timed_out }}"),
        ])
        let workflow = PipelineWorkflow(definition: definition, plugins: ["test": plugin], settings: [:], secrets: [:])
        let clock = ManualClock()
        try await run(workflow, as: "lifecycle", clock: clock) { engine in
            _ = try await engine.createInstance("lifecycle", id: "b", paramsJSON: Data("{}".utf8))
            try await clock.waitForSleeper(secondsFromNow: 86_400)
            clock.advance(by: 86_400)
            let done = try await engine.waitForCompletion("lifecycle", id: "b")
            let output = try JSONValue(json: try #require(done.output))
            #expect(output["arguments"]?["n"] == .int(1) && output["step"] == "nudge")
            #expect(plugin.runs.count.withLock { $0 } == 1)
        }
    }
}
