import Cairn
import CairnEngine
import CairnStore
@testable import CairnTriggers
import Foundation
import Testing

/// What a delivery's record keeps, how retries of a failing delivery are counted, and the
/// Slack handshake whatever its content type.
extension HookServiceTests {
    @Test func aDeliveryKeepsOnlyTheSchemesHeadersTheContentTypeAndTheListedOnes() async throws {
        try await run([try github(.create(workflow: "receiver", headers: ["X-Request-Source"]))]) { service, _, store in
            let request = signed(#"{"a": 1}"#, delivery: "h-1", extra: [
                ("Authorization", "Bearer sekrit"), ("X-Api-Key", "k-123"), ("Cookie", "session=1"),
                ("X-Request-Source", "ci"), ("Content-Type", "application/json"),
            ])
            #expect(await service.receive("gh", request: request, contentType: "application/json", remote: "a").status == 202)
            let stored = try #require(try store.read { tx in try HookLedger.find(hook: "gh", delivery: "h-1", tx) })
            let headers = try #require(try JSONSerialization.jsonObject(with: Data(stored.headersJSON.utf8)) as? [String: String])
            #expect(Set(headers.keys) == ["x-hub-signature-256", "x-github-event", "x-github-delivery", "x-request-source", "content-type"])
            #expect(!stored.headersJSON.contains("sekrit") && !stored.headersJSON.contains("k-123"))
        }
    }

    @Test func keptHeadersMatchWithoutRegardToASCIICaseAndKeepTheirFirstValue() {
        let request = WebhookRequest(body: Data(), headers: [
            ("X-GitHub-Event", "push"), ("CONTENT-TYPE", "application/json"), ("x-github-event", "issues"),
            ("X-Other", "dropped"), ("X-Quote", "a\"b\\c\u{1}"),
        ], receivedAt: Date())
        let json = HookService.headersJSON(request, keeping: ["content-type", "x-github-delivery", "x-github-event", "x-quote"])
        #expect(json == #"{"content-type":"application/json","x-github-event":"push","x-quote":"a\"b\\c\u0001"}"#)
        // A foreign name that Unicode case folding would make equal is not the kept one.
        let kelvin = WebhookRequest(body: Data(), headers: [("\u{212A}ey", "v")], receivedAt: Date())
        #expect(HookService.headersJSON(kelvin, keeping: ["key"]) == "{}")
    }

    @Test func aSenderRetryingAFailingDeliveryUpdatesOneDeadLetter() async throws {
        let hook = try github(.event(workflow: "receiver", eventType: "approved", instance: .header("X-Cairn-Instance")))
        try await run([hook]) { service, _, _ in
            for _ in 1...3 {
                let answer = await service.receive("gh", request: signed(#"{"ok": 1}"#, delivery: "again-1", extra: [("X-Cairn-Instance", "nobody")]),
                                                   contentType: nil, remote: "a")
                #expect(answer.status == 404)
            }
            // A different delivery to the same missing instance is its own dead letter.
            _ = await service.receive("gh", request: signed(#"{"ok": 2}"#, delivery: "again-2", extra: [("X-Cairn-Instance", "nobody")]), contentType: nil, remote: "a")
            let dead = try service.deliveries("gh", before: nil, failedOnly: true, limit: 10)
            #expect(dead.map(\.deliveryID) == ["again-2", "again-1"])
            #expect(dead.map(\.attempts) == [1, 3])
        }
    }

    @Test func slacksHandshakeIsAnsweredWhateverTheContentTypeAndOneWithoutAChallengeIsRefused() async throws {
        let secret = "8f742231b10e8888abcd99yyyzzz85a5"
        let hook = try HookDefinition(name: "slack", verifier: WebhookVerifier(scheme: .slack, secrets: [secret]), action: .create(workflow: "receiver", headers: []))
        @Sendable func request(_ body: String) -> WebhookRequest {
            let timestamp = "\(Int(Date().timeIntervalSince1970))"
            let tag = HMACSHA256.mac(key: Array(secret.utf8), message: Data("v0:\(timestamp):\(body)".utf8)).map { String(format: "%02x", $0) }.joined()
            return WebhookRequest(body: Data(body.utf8), headers: [("X-Slack-Signature", "v0=\(tag)"), ("X-Slack-Request-Timestamp", timestamp)], receivedAt: Date())
        }
        try await run([hook]) { service, engine, store in
            let plain = await service.receive("slack", request: request(#"{"type": "url_verification", "challenge": "c-1"}"#), contentType: "text/plain", remote: "a")
            #expect(plain.status == 200 && json(plain)["challenge"] as? String == "c-1")
            let empty = await service.receive("slack", request: request(#"{"type": "url_verification"}"#), contentType: "application/json", remote: "a")
            #expect(empty.status == 400)
            let instances = try engine.instances("receiver")
            #expect(instances.isEmpty)
            let rows = try store.read { tx in try HookLedger.page(hook: "slack", before: nil, failedOnly: false, limit: 10, tx) }
            #expect(rows.isEmpty)
        }
    }

    @Test func fiftyParallelRepeatsOfOneEventDeliverySendOneEvent() async throws {
        let hook = try github(.event(workflow: "receiver", eventType: "approved", instance: .header("X-Cairn-Instance")))
        try await run([hook]) { service, engine, store in
            _ = try await engine.createInstance("receiver", id: "par-1", paramsJSON: Data(#"{"wait": true}"#.utf8))
            _ = try await engine.waitFor("receiver", id: "par-1") { $0.status == .waiting }
            let statuses = await withTaskGroup(of: Int.self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        await service.receive("gh", request: signed(#"{"ok": 1}"#, delivery: "same-1", extra: [("X-Cairn-Instance", "par-1")]), contentType: nil, remote: "a").status
                    }
                }
                return await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 202 }.count == 1, "\(statuses)")
            #expect(statuses.allSatisfy { $0 == 202 || $0 == 200 }, "\(statuses)")
            let rows = try store.read { tx in try HookLedger.page(hook: "gh", before: nil, failedOnly: false, limit: 100, tx) }
            #expect(rows.count == 1 && rows.first?.outcome == .eventSent)
        }
    }
}

/// The limiter stays small and cheap under a flood of addresses.
@Suite struct FailureLimiterTests {
    @Test func anAddressIsLimitedAfterItsBurstAndFreedAfterAMinute() {
        let limiter = FailureLimiter(burstPerMinute: 3)
        let start = Date(timeIntervalSince1970: 1_000_000)
        for second in 0..<3 { limiter.fail("203.0.113.9", now: start.addingTimeInterval(Double(second))) }
        #expect(limiter.isLimited("203.0.113.9", now: start.addingTimeInterval(3)))
        #expect(!limiter.isLimited("203.0.113.10", now: start.addingTimeInterval(3)))
        #expect(!limiter.isLimited("203.0.113.9", now: start.addingTimeInterval(61)))
    }

    @Test func ipv6AddressesCountPerSlash64() {
        #expect(FailureLimiter.key("2001:db8:1:2:aaaa::1") == FailureLimiter.key("2001:db8:1:2:bbbb::2"))
        #expect(FailureLimiter.key("2001:db8:1:2::1") != FailureLimiter.key("2001:db8:1:3::1"))
        #expect(FailureLimiter.key("198.51.100.7") == "198.51.100.7")
    }

    @Test func aFloodOfDistinctAddressesIsNotRecordedPastTheCap() {
        let limiter = FailureLimiter(burstPerMinute: 1)
        let now = Date(timeIntervalSince1970: 2_000_000)
        for index in 0..<(FailureLimiter.maxAddresses + 500) { limiter.fail("10.\(index >> 16).\((index >> 8) & 255).\(index & 255)", now: now) }
        // The first ones stay limited; one past the cap was never recorded.
        #expect(limiter.isLimited("10.0.0.0", now: now))
        #expect(!limiter.isLimited("10.0.\((FailureLimiter.maxAddresses + 100) >> 8 & 255).\((FailureLimiter.maxAddresses + 100) & 255)", now: now))
    }
}
