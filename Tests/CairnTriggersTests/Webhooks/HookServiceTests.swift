import Cairn
import CairnEngine
import CairnStore
import CairnTesting
@testable import CairnTriggers
import Foundation
import Logging
import Testing

/// Echoes its params; with `"wait": true` waits for an `approved` event first and returns it.
private struct Receiver: Workflow {
    func run(event: WorkflowEvent<JSONValue>, step: WorkflowStep) async throws -> JSONValue {
        if event.payload["wait"]?.boolValue == true {
            let approval = try await step.waitForEvent("approval", type: "approved", timeout: .hours(1), as: JSONValue.self)
            return ["approval": approval.payload]
        }
        return event.payload
    }
}

/// The webhook service on a real database and engine: verified deliveries create instances
/// or resume waiting ones exactly once, refused ones store nothing.
@Suite struct HookServiceTests {
    static let secret = "It's a Secret to Everybody"

    func run(_ hooks: [HookDefinition], _ body: @Sendable (HookService, Engine, SQLiteStore) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.file("cairn.sqlite"), migrations: HookService.migrations)
        var configuration = EngineConfiguration()
        configuration.suspendAfter = .seconds(3600)
        try await withTestEngine(store: store, clock: SystemClock(), configuration: configuration, register: { engine in
            try engine.register(Receiver(), as: "receiver")
        }) { engine in
            let service = HookService(definitions: hooks, engine: engine, store: store, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
            try await body(service, engine, store)
        }
    }

    func github(_ action: HookDefinition.Action) throws -> HookDefinition {
        try HookDefinition(name: "gh", verifier: WebhookVerifier(scheme: .github, secrets: [Self.secret]), action: action)
    }

    func signed(_ body: String, delivery: String?, extra: [(String, String)] = []) -> WebhookRequest {
        let tag = HMACSHA256.mac(key: Array(Self.secret.utf8), message: Data(body.utf8)).map { String(format: "%02x", $0) }.joined()
        var headers = [(name: "x-hub-signature-256", value: "sha256=\(tag)"), (name: "x-github-event", value: "push")]
        if let delivery { headers.append((name: "x-github-delivery", value: delivery)) }
        headers += extra.map { (name: $0.0, value: $0.1) }
        return WebhookRequest(body: Data(body.utf8), headers: headers, receivedAt: Date())
    }

    func json(_ answer: HookAnswer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: answer.body)) as? [String: Any] ?? [:]
    }

    @Test func aVerifiedDeliveryCreatesOneInstanceAndARepeatCreatesNothing() async throws {
        try await run([try github(.create(workflow: "receiver", headers: ["X-GitHub-Event"]))]) { service, engine, _ in
            let first = await service.receive("gh", request: signed(#"{"ref": "main"}"#, delivery: "d-1"), contentType: "application/json", remote: "a")
            #expect(first.status == 202)
            #expect(json(first)["instance"] as? String == "hook-gh-d-1")
            let done = try await engine.waitUntilFinished("receiver", id: "hook-gh-d-1")
            #expect(done.trigger == "webhook:gh")
            #expect(done.output == ["ref": "main", "headers": ["x-github-event": "push"]])
            let again = await service.receive("gh", request: signed(#"{"ref": "main"}"#, delivery: "d-1"), contentType: "application/json", remote: "a")
            #expect(again.status == 200)
            #expect(json(again)["duplicate"] as? Bool == true && json(again)["instance"] as? String == "hook-gh-d-1")
            #expect(try engine.instances("receiver").count == 1)
            #expect(try service.deliveries("gh", before: nil, failedOnly: false, limit: 10).map(\.outcome) == [.created])
        }
    }

    @Test func parallelDeliveriesCreateExactlyOneInstanceEach() async throws {
        try await run([try github(.create(workflow: "receiver", headers: []))]) { service, engine, _ in
            let distinct = await withTaskGroup(of: Int.self, returning: [Int].self) { group in
                for index in 0..<200 {
                    group.addTask { await service.receive("gh", request: signed(#"{"n": \#(index)}"#, delivery: "p-\(index)"), contentType: nil, remote: "a").status }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(distinct.allSatisfy { $0 == 202 })
            let repeats = await withTaskGroup(of: Int.self, returning: [Int].self) { group in
                for _ in 0..<50 {
                    group.addTask { await service.receive("gh", request: signed(#"{"n": "same"}"#, delivery: "same"), contentType: nil, remote: "a").status }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(repeats.filter { $0 == 202 }.count == 1)
            #expect(repeats.filter { $0 == 200 }.count == 49)
            let instances = try engine.instances("receiver", limit: 1000)
            let deliveries = try service.deliveries("gh", before: nil, failedOnly: false, limit: 1000)
            #expect(instances.count == 201)
            #expect(deliveries.count == 201)
        }
    }

    @Test func aRefusedDeliveryStoresNothingAndRepeatedFailuresAreRateLimited() async throws {
        try await run([try github(.create(workflow: "receiver", headers: []))]) { service, engine, _ in
            var tampered = signed(#"{"ok": true}"#, delivery: "t-1")
            tampered.body = Data(#"{"ok": false}"#.utf8)
            let refused = await service.receive("gh", request: tampered, contentType: nil, remote: "10.0.0.9")
            #expect(refused.status == 401)
            #expect(refused.text == #"{"error":{"code":"unauthorized","message":"The delivery could not be verified."}}"#)
            for _ in 0..<19 { _ = await service.receive("gh", request: tampered, contentType: nil, remote: "10.0.0.9") }
            let limited = await service.receive("gh", request: tampered, contentType: nil, remote: "10.0.0.9")
            #expect(limited.status == 429)
            // A verified delivery from the same address (a proxy shared with a forger) still passes.
            let genuine = await service.receive("gh", request: signed(#"{"ok": true}"#, delivery: "t-2"), contentType: nil, remote: "10.0.0.9")
            #expect(genuine.status == 202)
            let unknownHook = await service.receive("nope", request: tampered, contentType: nil, remote: "10.0.0.10")
            #expect(unknownHook.status == 404 && !unknownHook.text.contains("gh"))
            // A limited address gets 429 for unknown names too: it cannot probe for hooks.
            #expect(await service.receive("nope", request: tampered, contentType: nil, remote: "10.0.0.9").status == 429)
            let instances = try engine.instances("receiver").map(\.id)
            let deliveries = try service.deliveries("gh", before: nil, failedOnly: false, limit: 10)
            #expect(instances == ["hook-gh-t-2"])
            #expect(deliveries.count == 1)
        }
    }

    @Test func anEventActionResumesTheWaitingInstanceAndFailuresBecomeDeadLetters() async throws {
        let hook = try github(.event(workflow: "receiver", eventType: "approved", instance: .pointer("/meta/instance")))
        try await run([hook]) { service, engine, _ in
            _ = try await engine.createInstance("receiver", id: "order-7", paramsJSON: Data(#"{"wait": true}"#.utf8))
            _ = try await engine.waitFor("receiver", id: "order-7") { $0.status == .waiting }
            let missing = await service.receive("gh", request: signed(#"{"meta": {"instance": "order-8"}}"#, delivery: "e-0"), contentType: nil, remote: "a")
            #expect(missing.status == 404)
            let sent = await service.receive("gh", request: signed(#"{"meta": {"instance": "order-7"}, "ok": true}"#, delivery: "e-1"), contentType: nil, remote: "a")
            #expect(sent.status == 202)
            let done = try await engine.waitUntilFinished("receiver", id: "order-7")
            #expect(done.output?["approval"]?["ok"] == .bool(true))
            let finished = await service.receive("gh", request: signed(#"{"meta": {"instance": "order-7"}}"#, delivery: "e-2"), contentType: nil, remote: "a")
            #expect(finished.status == 409)
            let noTarget = await service.receive("gh", request: signed(#"{"meta": {}}"#, delivery: "e-3"), contentType: nil, remote: "a")
            #expect(noTarget.status == 422)
            let dead = try service.deliveries("gh", before: nil, failedOnly: true, limit: 10)
            #expect(dead.map(\.status) == [422, 409, 404])
            // A dead letter's delivery ID is not claimed: the sender's retry runs the action again.
            _ = try await engine.createInstance("receiver", id: "order-8", paramsJSON: Data(#"{"wait": true}"#.utf8))
            _ = try await engine.waitFor("receiver", id: "order-8") { $0.status == .waiting }
            let retried = await service.receive("gh", request: signed(#"{"meta": {"instance": "order-8"}}"#, delivery: "e-0"), contentType: nil, remote: "a")
            #expect(retried.status == 202)
        }
    }

    @Test func aDeliveryIDThatIsNotAnInstanceIDIsHashed() {
        let id = HookService.instanceID(hook: "gh", delivery: "not an id/..", replayOf: nil)
        #expect(id.hasPrefix("hook-gh-") && id.count == "hook-gh-".count + 40)
        #expect(id == HookService.instanceID(hook: "gh", delivery: "not an id/..", replayOf: nil))
        #expect(HookService.instanceID(hook: "gh", delivery: "72d3162e-cc78-11e3-81ab-4c9367dc0958", replayOf: nil) == "hook-gh-72d3162e-cc78-11e3-81ab-4c9367dc0958")
    }

    @Test func slacksURLVerificationIsAnsweredWithTheChallengeAndCreatesNothing() async throws {
        let secret = "8f742231b10e8888abcd99yyyzzz85a5"
        let hook = try HookDefinition(name: "slack", verifier: WebhookVerifier(scheme: .slack, secrets: [secret]), action: .create(workflow: "receiver", headers: []))
        try await run([hook]) { service, engine, _ in
            let body = #"{"token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "type": "url_verification"}"#
            let timestamp = "\(Int(Date().timeIntervalSince1970))"
            let tag = HMACSHA256.mac(key: Array(secret.utf8), message: Data("v0:\(timestamp):\(body)".utf8)).map { String(format: "%02x", $0) }.joined()
            let request = WebhookRequest(body: Data(body.utf8), headers: [("X-Slack-Signature", "v0=\(tag)"), ("X-Slack-Request-Timestamp", timestamp)], receivedAt: Date())
            let answer = await service.receive("slack", request: request, contentType: "application/json", remote: "a")
            #expect(answer.status == 200)
            #expect(json(answer)["challenge"] as? String == "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")
            var unsigned = request
            unsigned.headers = [("X-Slack-Request-Timestamp", timestamp)]
            #expect(await service.receive("slack", request: unsigned, contentType: "application/json", remote: "a").status == 401)
            let instances = try engine.instances("receiver")
            #expect(instances.isEmpty)
        }
    }

    @Test func aDeadLetterIsReplayedOnceItsInstanceExists() async throws {
        let hook = try github(.event(workflow: "receiver", eventType: "approved", instance: .header("X-Cairn-Instance")))
        try await run([hook]) { service, engine, _ in
            let early = await service.receive("gh", request: signed(#"{"ok": 1}"#, delivery: "r-1", extra: [("X-Cairn-Instance", "late-1")]), contentType: nil, remote: "a")
            #expect(early.status == 404)
            let dead = try #require(try service.deliveries("gh", before: nil, failedOnly: true, limit: 1).first)
            _ = try await engine.createInstance("receiver", id: "late-1", paramsJSON: Data(#"{"wait": true}"#.utf8))
            _ = try await engine.waitFor("receiver", id: "late-1") { $0.status == .waiting }
            let replayed = try await service.replay("gh", seq: dead.seq)
            #expect(replayed.status == 202)
            let done = try await engine.waitUntilFinished("receiver", id: "late-1")
            #expect(done.output?["approval"]?["ok"] == .int(1))
            let all = try service.deliveries("gh", before: nil, failedOnly: false, limit: 10)
            #expect(all.first?.replayOf == dead.seq && all.first?.outcome == .eventSent)
            await #expect(throws: TriggerError.self) { try await service.replay("gh", seq: 999) }
        }
    }

    @Test func bodiesNoActionCanUseAreRefusedAndNothingIsStored() async throws {
        try await run([try github(.create(workflow: "receiver", headers: []))]) { service, engine, _ in
            #expect(await service.receive("gh", request: signed("", delivery: "b-1"), contentType: "application/json", remote: "a").status == 400)
            #expect(await service.receive("gh", request: signed("hello", delivery: "b-2"), contentType: "application/json", remote: "a").status == 400)
            var invalidUTF8 = signed("abc", delivery: "b-3")
            invalidUTF8.body = Data([0x61, 0xFF, 0xFE])
            let tag = HMACSHA256.mac(key: Array(Self.secret.utf8), message: invalidUTF8.body).map { String(format: "%02x", $0) }.joined()
            invalidUTF8.headers[0] = (name: "x-hub-signature-256", value: "sha256=\(tag)")
            #expect(await service.receive("gh", request: invalidUTF8, contentType: "text/plain", remote: "a").status == 400)
            let text = await service.receive("gh", request: signed("plain words", delivery: "b-4"), contentType: "text/plain", remote: "a")
            #expect(text.status == 202)
            let deliveries = try service.deliveries("gh", before: nil, failedOnly: false, limit: 10)
            #expect(deliveries.count == 1)
            let done = try await engine.waitUntilFinished("receiver", id: "hook-gh-b-4")
            #expect(done.output == ["body": "plain words"])
        }
    }

    @Test func anInstanceIDTakenByAnotherInstanceIsAConflictNotADuplicate() async throws {
        try await run([try github(.create(workflow: "receiver", headers: []))]) { service, engine, _ in
            _ = try await engine.createInstance("receiver", id: "hook-gh-taken", paramsJSON: Data("{}".utf8))
            let answer = await service.receive("gh", request: signed(#"{"x": 1}"#, delivery: "taken"), contentType: nil, remote: "a")
            #expect(answer.status == 409)
            let dead = try service.deliveries("gh", before: nil, failedOnly: true, limit: 10)
            #expect(dead.count == 1)
        }
    }

    @Test func replayingASuccessfulDeliveryCreatesAndRecordsANewInstance() async throws {
        try await run([try github(.create(workflow: "receiver", headers: []))]) { service, engine, _ in
            #expect(await service.receive("gh", request: signed(#"{"x": 1}"#, delivery: "ok-1"), contentType: nil, remote: "a").status == 202)
            let original = try #require(try service.deliveries("gh", before: nil, failedOnly: false, limit: 1).first)
            let replayed = try await service.replay("gh", seq: original.seq)
            #expect(replayed.status == 202)
            let rows = try service.deliveries("gh", before: nil, failedOnly: false, limit: 10)
            #expect(rows.count == 2 && rows.first?.replayOf == original.seq && rows.first?.outcome == .created)
            #expect(json(replayed)["instance"] as? String == "hook-gh-replay-\(original.seq)-1")
            // A second replay is numbered on, so each replay's instance ID says what it is.
            let again = try await service.replay("gh", seq: original.seq)
            #expect(json(again)["instance"] as? String == "hook-gh-replay-\(original.seq)-2")
            let instances = try engine.instances("receiver")
            #expect(instances.count == 3)
        }
    }
}
