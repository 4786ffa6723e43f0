import CairnTesting
import Foundation
import Testing

/// Property-based fuzzing of JSON request bodies on every route that takes one, against the
/// real `cairn serve` (the HTTP stack cannot be built with the fuzzer sanitizer here): generated
/// and mutated bodies get a 2xx or a 4xx with the error envelope, never a 5xx, and the
/// process keeps serving.
@Suite struct RequestBodyFuzzTests {
    static let routes: [(String, String)] = [
        ("POST", "/workflows/my-workflow/instances"), ("POST", "/workflows/my-workflow/instances/batch"),
        ("PATCH", "/workflows/my-workflow/instances/f-1/status"), ("POST", "/workflows/my-workflow/instances/f-1/events/approved"),
        ("PATCH", "/schedules/nightly"), ("POST", "/schedules/nightly/trigger"), ("POST", "/schedules/nightly/backfill"),
    ]

    /// A random JSON value, nested up to `depth`.
    static func value(_ random: inout SplitMix64, depth: Int = 3) -> String {
        let strings = ["\"\"", "\"pause\"", "\"terminate\"", "\"2026-12-06T03:00:00Z\"", "\"f-1\"", "\"a\\u0000b\"", "\"😀\"", "\"\(String(repeating: "x", count: 300))\"", "\"latest\"", "\"../x\""]
        switch random.next() % (depth > 0 ? 8 : 5) {
        case 0: return "null"
        case 1: return random.next() % 2 == 0 ? "true" : "false"
        case 2: return ["0", "-1", "1e308", "9223372036854775808", "3.5", "-0", "1000000"][Int(random.next() % 7)]
        case 3, 4: return strings[Int(random.next() % UInt64(strings.count))]
        case 5: return "[" + (0..<Int(random.next() % 4)).map { _ in value(&random, depth: depth - 1) }.joined(separator: ",") + "]"
        default:
            let keys = ["id", "params", "status", "from", "to", "paused", "cron", "timezone", "catch_up", "x", "payload", "type"]
            return "{" + (0..<Int(random.next() % 5)).map { _ in "\"\(keys[Int(random.next() % UInt64(keys.count))])\":" + value(&random, depth: depth - 1) }.joined(separator: ",") + "}"
        }
    }

    /// A body: a generated value, sometimes cut short or with a byte changed.
    static func body(_ random: inout SplitMix64) -> String {
        var text = Array(value(&random).utf8)
        switch random.next() % 4 {
        case 0 where !text.isEmpty: text.removeLast(Int(random.next() % UInt64(text.count)))
        case 1 where !text.isEmpty:
            let replacements = Array("{}[]\",:\\ 0x".utf8)
            text[Int(random.next() % UInt64(text.count))] = replacements[Int(random.next() % UInt64(replacements.count))]
        default: break
        }
        return String(decoding: text, as: UTF8.self)
    }

    @Test func generatedAndMutatedBodiesGetA2xxOrA4xxOnEveryRoute() async throws {
        let serve = try await ServeProcess(config: { directory in
            ServeProcess.seedConfig(directory: directory, extra: """

                [[schedules]]
                name = "nightly"
                cron = "0 3 * * *"
                workflow = "my-workflow"
                """)
        })
        defer { serve.stop() }
        _ = try await serve.request("POST", "/workflows/my-workflow/instances", body: #"{"id": "f-1"}"#)
        // 50 rounds of 7 routes in the suite; CAIRN_FUZZ_ROUNDS=N (and CAIRN_FUZZ_SEED) for more.
        let environment = ProcessInfo.processInfo.environment
        let rounds = environment["CAIRN_FUZZ_ROUNDS"].flatMap(Int.init) ?? 50
        var random = SplitMix64(seed: environment["CAIRN_FUZZ_SEED"].flatMap(UInt64.init) ?? 1206)
        var statuses: [Int: Int] = [:]
        for _ in 0..<rounds {
            for (method, path) in Self.routes {
                let body = Self.body(&random)
                let answer = try await serve.request(method, path, body: body)
                statuses[answer.status, default: 0] += 1
                #expect(answer.status < 500, "\(method) \(path) \(body.prefix(200)): \(answer.status) \(answer.text.prefix(300))")
                if answer.status >= 400 { #expect(answer.errorCode != nil, "\(method) \(path): no error envelope in \(answer.text.prefix(200))") }
            }
        }
        #expect(statuses.keys.contains { (200..<300).contains($0) } && statuses.keys.contains { (400..<500).contains($0) }, "\(statuses)")
        #expect(try await serve.request("GET", "/healthz").status == 200)
        #expect(serve.process.isRunning)
    }
}
