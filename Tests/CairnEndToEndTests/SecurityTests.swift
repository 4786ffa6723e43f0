import CairnTesting
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// What an attacker on the network would try, against the real `cairn serve`: every
/// management route without the token, forged webhooks, request smuggling, traversal in
/// path parameters, and a symlink dropped into a watched directory.
@Suite struct SecurityTests {
    static let secret = "e2e-security-secret-0123456789"
    /// Stripe's secrets start with `whsec_` and key the HMAC whole.
    static let stripeSecret = "whsec_e2e-stripe-secret-0123456789"
    /// The Standard Webhooks hook's key bytes, in hex.
    static let standardKey = (1...32).map { String(format: "%02x", $0) }.joined()

    /// A config in which every kind of route exists: a schedule, a hook, a drop and an index.
    private static func config(_ directory: String) -> String {
        ServeProcess.seedConfig(directory: directory, extra: """

            [[schedules]]
            name = "nightly"
            cron = "0 3 * * *"
            workflow = "my-workflow"

            [[hooks]]
            name = "github"
            scheme = "github"
            secrets = ["\(secret)"]
            action = "create"
            workflow = "my-workflow"

            [[hooks]]
            name = "stripe"
            scheme = "stripe"
            secrets = ["\(stripeSecret)"]
            action = "create"
            workflow = "my-workflow"

            [[hooks]]
            name = "standard"
            scheme = "standard"
            secrets = ["whsec_\(OpenSSLHMAC.base64(fromHex: standardKey))"]
            action = "create"
            workflow = "my-workflow"

            [[hooks]]
            name = "slack"
            scheme = "slack"
            secrets = ["\(secret)"]
            action = "create"
            workflow = "my-workflow"

            [[hooks]]
            name = "shopify"
            scheme = "shopify"
            secrets = ["\(secret)"]
            action = "create"
            workflow = "my-workflow"

            [[hooks]]
            name = "custom"
            scheme = "hmac-sha256"
            secrets = ["\(secret)"]
            signature_header = "X-Signature"
            prefix = "sha256="
            timestamp_header = "X-Timestamp"
            signed_template = "{timestamp}.{body}"
            action = "create"
            workflow = "my-workflow"

            [[drops]]
            name = "inbox"
            directory = "\(directory)/inbox"
            create = true
            workflow = "my-workflow"
            scan_interval = "1 second"                   # a symlink is found by the scan (it is never written, so inotify says nothing)

            [[indexes]]
            name = "docs"

            [webhooks]
            failure_burst = 1000                          # every refusal in the tests is answered, none rate-limited
            """)
    }

    /// Every management route, as method and path (with existing names, so a 401 is not a 404 in disguise).
    static let routes: [(String, String)] = [
        ("GET", "/workflows"), ("GET", "/workflows/my-workflow"), ("GET", "/workflows/my-workflow/instances"),
        ("POST", "/workflows/my-workflow/instances"), ("POST", "/workflows/my-workflow/instances/batch"),
        ("GET", "/workflows/my-workflow/instances/latest"), ("PATCH", "/workflows/my-workflow/instances/x/status"),
        ("POST", "/workflows/my-workflow/instances/x/events/approved"),
        ("GET", "/schedules"), ("GET", "/schedules/nightly"), ("PATCH", "/schedules/nightly"), ("POST", "/schedules/nightly/trigger"),
        ("POST", "/schedules/nightly/backfill"),
        ("GET", "/hooks"), ("GET", "/hooks/github/deliveries"), ("POST", "/hooks/github/deliveries/1/replay"),
        ("GET", "/drops"), ("GET", "/drops/inbox/files"),
        ("GET", "/indexes"), ("GET", "/indexes/docs/query?q=x"), ("POST", "/indexes/docs/rebuild?force=true"),
    ]

    @Test func everyManagementRouteRefusesAMissingOrWrongTokenAndChangesNothing() async throws {
        let serve = try await ServeProcess(config: Self.config)
        defer { serve.stop() }
        let before = try serve.databaseSnapshot()
        for (method, path) in Self.routes {
            // Bodies that would change something if the route let them through.
            let body: String? = switch (method, path) {
            case ("GET", _): nil
            case (_, let path) where path.hasSuffix("batch"): #"[{"id": "sneaky-1"}, {"id": "sneaky-2"}]"#
            case (_, let path) where path.hasSuffix("/status"): #"{"status": "terminate"}"#
            case ("PATCH", _): #"{"paused": true}"#
            case (_, let path) where path.hasSuffix("/instances"): #"{"id": "sneaky", "params": {"x": 1}}"#
            case (_, let path) where path.hasSuffix("/backfill"): #"{"from": "2026-12-01T00:00:00Z", "to": "2026-12-03T00:00:00Z"}"#
            default: #"{"approved": true}"#
            }
            // No token, one character off, the right one inside a doubled scheme, an empty one.
            let offByOne = (serve.token.first == "0" ? "1" : "0") + String(serve.token.dropFirst())
            for token in [String?.none, offByOne, "Bearer \(serve.token)", ""] {
                let answer = try await serve.request(method, path, body: body, token: .some(token))
                #expect(answer.status == 401, "\(method) \(path) with token \(token.map { "\($0.prefix(8))…" } ?? "none"): \(answer.status) \(answer.text.prefix(200))")
                #expect(answer.errorCode == "unauthorized" && !answer.text.contains(serve.token), "\(method) \(path): \(answer.text.prefix(200))")
            }
        }
        // Nothing happened: no instance, no trigger, no pause, no rebuild, no replay; no row changed.
        #expect(try serve.sqlite("SELECT COUNT(*) FROM instances") == "0")
        #expect(try serve.sqlite("SELECT COUNT(*) FROM cron_ticks") == "0")
        let after = try serve.databaseSnapshot()
        #expect(after == before, "the database changed:\nbefore: \(before.prefix(2000))\nafter: \(after.prefix(2000))")
        #expect(before.contains("instances "), "the snapshot lists no tables: \(before.prefix(300))")
        // With the token the same routes answer (not 401), so the list above is not stale.
        for (method, path) in Self.routes where method == "GET" {
            let answer = try await serve.request(method, path)
            #expect(answer.status != 401 && answer.status < 500, "\(method) \(path): \(answer.status) \(answer.text.prefix(200))")
        }
        // The token file and the database are the owner's alone.
        for file in ["data/api-token", "data/cairn.sqlite"] {
            let mode = try FileManager.default.attributesOfItem(atPath: serve.directory.file(file))[.posixPermissions] as? NSNumber
            #expect(mode?.intValue == 0o600, "\(file): \(String(describing: mode))")
        }
    }

    @Test func aWebhookRefusalSaysNothingAboutWhichCheckFailed() async throws {
        let serve = try await ServeProcess(config: Self.config)
        defer { serve.stop() }
        let body = #"{"action": "opened"}"#
        let good = "sha256=" + (try OpenSSLHMAC.sha256Hex(body, secret: Self.secret))
        let wrong = "sha256=" + (try OpenSSLHMAC.sha256Hex(body, secret: "not-the-secret-at-all"))
        let attempts: [(String, [String: String])] = [
            ("no signature", [:]),
            ("not hex", ["X-Hub-Signature-256": "sha256=zz"]),
            ("wrong prefix", ["X-Hub-Signature-256": "md5=" + good.dropFirst(7)]),
            ("wrong secret", ["X-Hub-Signature-256": wrong]),
            ("signature of another body", ["X-Hub-Signature-256": "sha256=" + (try OpenSSLHMAC.sha256Hex(body + " ", secret: Self.secret))]),
        ]
        var answers: Set<String> = []
        for (what, headers) in attempts {
            let answer = try await serve.request("POST", "/hooks/github", body: body, token: .some(nil), headers: headers.merging(["X-GitHub-Delivery": "d-\(what)"]) { a, _ in a })
            #expect(answer.status == 401, "\(what): \(answer.status) \(answer.text)")
            answers.insert(answer.text)
        }
        #expect(answers.count == 1, "refusals differ, which tells a prober which check failed: \(answers)")
        #expect(answers.first.map { !$0.lowercased().contains("signature") && !$0.contains("hex") && !$0.contains("secret") } == true, "\(answers)")
        #expect(try serve.sqlite("SELECT COUNT(*) FROM instances") == "0")
        // The signed delivery is accepted: the refusals were about the signature, not the route.
        let accepted = try await serve.request("POST", "/hooks/github", body: body, token: .some(nil), headers: ["X-Hub-Signature-256": good, "X-GitHub-Delivery": "d-good"])
        #expect(accepted.status == 202, "\(accepted.text)")
    }

    /// Every other scheme, the same way: no signature, garbage, the wrong secret, and (where
    /// the scheme signs a time) a correct signature over an expired timestamp. All refusals,
    /// across schemes, are one and the same answer; a correct delivery is accepted.
    @Test func refusalsAreTheSameAnswerForEverySchemeAndEveryCheck() async throws {
        let serve = try await ServeProcess(config: Self.config)
        defer { serve.stop() }
        let body = #"{"action": "opened"}"#
        let now = Int(Date().timeIntervalSince1970), old = now - 3600
        func hex(_ text: String, _ key: String = Self.secret) throws -> String { try OpenSSLHMAC.sha256Hex(text, secret: key) }
        func standard(_ id: String, _ time: Int, key: String = Self.standardKey) throws -> [String: String] {
            ["webhook-id": id, "webhook-timestamp": "\(time)",
             "webhook-signature": "v1," + OpenSSLHMAC.base64(fromHex: try OpenSSLHMAC.sha256Hex("\(id).\(time).\(body)", hexKey: key))]
        }
        let wrongKey = String(repeating: "ab", count: 32)
        let refusals: [(hook: String, what: String, headers: [String: String])] = [
            ("stripe", "none", [:]), ("stripe", "garbage", ["Stripe-Signature": "t=abc,v1=zz"]),
            ("stripe", "wrong secret", ["Stripe-Signature": "t=\(now),v1=\(try hex("\(now).\(body)", "nope"))"]),
            ("stripe", "expired", ["Stripe-Signature": "t=\(old),v1=\(try hex("\(old).\(body)", Self.stripeSecret))"]),
            ("standard", "none", [:]), ("standard", "garbage", ["webhook-id": "m", "webhook-timestamp": "x", "webhook-signature": "v1,!!"]),
            ("standard", "wrong secret", try standard("m1", now, key: wrongKey)), ("standard", "expired", try standard("m2", old)),
            ("slack", "none", [:]), ("slack", "garbage", ["X-Slack-Request-Timestamp": "\(now)", "X-Slack-Signature": "v0=zz"]),
            ("slack", "wrong secret", ["X-Slack-Request-Timestamp": "\(now)", "X-Slack-Signature": "v0=" + (try hex("v0:\(now):\(body)", "nope"))]),
            ("slack", "expired", ["X-Slack-Request-Timestamp": "\(old)", "X-Slack-Signature": "v0=" + (try hex("v0:\(old):\(body)"))]),
            ("shopify", "none", [:]), ("shopify", "garbage", ["X-Shopify-Hmac-Sha256": "%%%"]),
            ("shopify", "wrong secret", ["X-Shopify-Hmac-Sha256": OpenSSLHMAC.base64(fromHex: try hex(body, "nope"))]),
            ("custom", "none", [:]), ("custom", "garbage", ["X-Timestamp": "\(now)", "X-Signature": "sha256=zz"]),
            ("custom", "wrong secret", ["X-Timestamp": "\(now)", "X-Signature": "sha256=" + (try hex("\(now).\(body)", "nope"))]),
            ("custom", "expired", ["X-Timestamp": "\(old)", "X-Signature": "sha256=" + (try hex("\(old).\(body)"))]),
        ]
        var answers: [String: Set<String>] = [:]
        for (hook, what, headers) in refusals {
            let answer = try await serve.request("POST", "/hooks/\(hook)", body: body, token: .some(nil), headers: headers)
            #expect(answer.status == 401, "\(hook) \(what): \(answer.status) \(answer.text)")
            answers[answer.text, default: []].insert("\(hook) \(what)")
        }
        #expect(answers.count == 1, "refusals differ, which tells a prober which check failed: \(answers)")
        #expect(answers.keys.allSatisfy { !$0.lowercased().contains("signature") && !$0.lowercased().contains("expired") && !$0.contains("secret") }, "\(answers.keys)")
        #expect(try serve.sqlite("SELECT COUNT(*) FROM instances") == "0")
        // Correctly signed deliveries are accepted, so the refusals were about the signatures.
        let accepted: [(String, [String: String])] = [
            ("stripe", ["Stripe-Signature": "t=\(now),v1=\(try hex("\(now).\(body)", Self.stripeSecret))"]),
            ("standard", try standard("m-ok", now)),
            ("slack", ["X-Slack-Request-Timestamp": "\(now)", "X-Slack-Signature": "v0=" + (try hex("v0:\(now):\(body)"))]),
            ("shopify", ["X-Shopify-Hmac-Sha256": OpenSSLHMAC.base64(fromHex: try hex(body))]),
            ("custom", ["X-Timestamp": "\(now)", "X-Signature": "sha256=" + (try hex("\(now).\(body)"))]),
        ]
        for (hook, headers) in accepted {
            let answer = try await serve.request("POST", "/hooks/\(hook)", body: body, token: .some(nil), headers: headers)
            #expect((200..<300).contains(answer.status), "\(hook), correctly signed: \(answer.status) \(answer.text)")
        }
    }

    @Test func conflictingLengthsAreRefusedAndTheConnectionClosed() async throws {
        let serve = try await ServeProcess(config: Self.config)
        defer { serve.stop() }
        let head = "POST /workflows/my-workflow/instances HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(serve.token)\r\nContent-Type: application/json\r\n"
        let smuggled = "GET /workflows HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        let cases = [
            // Content-Length and Transfer-Encoding together: which one ends the body is the smuggler's question.
            head + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n" + smuggled,
            // Two lengths that disagree.
            head + "Content-Length: 2\r\nContent-Length: 40\r\n\r\n{}" + smuggled,
            // An obfuscated Transfer-Encoding.
            head + "Transfer-Encoding: xchunked\r\nContent-Length: 2\r\n\r\n{}" + smuggled,
        ]
        for request in cases {
            let connection = try RawConnection(port: serve.port)
            #expect(connection.send(request))
            let (text, closed) = await connection.readUntilClosed(timeout: .seconds(10))
            #expect(text.hasPrefix("HTTP/1.1 400") || text.hasPrefix("HTTP/1.1 501"), "\(request.prefix(200)): \(text.prefix(300))")
            #expect(closed, "the connection stayed open after an ambiguous body: \(text.prefix(200))")
            let statusLines = text.components(separatedBy: "\r\n").filter { $0.hasPrefix("HTTP/1.1 ") }
            #expect(statusLines.count == 1, "a second (smuggled) request was answered: \(text.prefix(500))")
        }
        #expect(try serve.sqlite("SELECT COUNT(*) FROM instances") == "0")
        #expect(try await serve.request("GET", "/healthz").status == 200)
    }

    @Test func pathParametersCannotTraverseAndGetCleanAnswers() async throws {
        let serve = try await ServeProcess(config: Self.config)
        defer { serve.stop() }
        // (A literal ".." the client would resolve before sending: it goes over a raw connection below.)
        let hostile = ["..%2F..%2Fetc%2Fpasswd", "%2E%2E", "%2e%2e%2f%2e%2e%2fdata%2fapi-token", "inbox%00", "..%5C..%5Cwindows", "%252e%252e"]
        let templates = ["/workflows/%@", "/workflows/%@/instances", "/workflows/my-workflow/instances/%@", "/schedules/%@", "/hooks/%@/deliveries",
                         "/drops/%@/files", "/indexes/%@/query?q=x", "/workflows/my-workflow/instances/%@/status"]
        for template in templates {
            for segment in hostile {
                let path = template.replacingOccurrences(of: "%@", with: segment)
                let method = template.hasSuffix("/status") ? "PATCH" : "GET"
                let answer = try await serve.request(method, path, body: method == "PATCH" ? #"{"status": "pause"}"# : nil)
                #expect([400, 404].contains(answer.status), "\(method) \(path): \(answer.status) \(answer.text.prefix(200))")
                #expect(!answer.text.contains("root:") && !answer.text.contains(serve.token), "\(path) leaked a file")
            }
        }
        for path in ["/workflows/my-workflow/instances/../../../etc/passwd", "/drops/../../data/api-token/files", "/indexes/docs/../../../etc/passwd"] {
            let connection = try RawConnection(port: serve.port)
            #expect(connection.send("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(serve.token)\r\nConnection: close\r\n\r\n"))
            let (text, _) = await connection.readUntilClosed(timeout: .seconds(10))
            #expect(text.hasPrefix("HTTP/1.1 404") || text.hasPrefix("HTTP/1.1 400"), "\(path): \(text.prefix(300))")
            #expect(!text.contains("root:") && !text.contains(serve.token), "\(path) leaked a file")
        }
        let hook = try await serve.request("POST", "/hooks/..%2Fgithub", body: "{}", token: .some(nil))
        #expect(hook.status == 404 || hook.status == 400, "\(hook.status)")
        #expect(try await serve.request("GET", "/healthz").status == 200)
    }

    @Test func aSymlinkDroppedIntoAWatchedDirectoryIsRefusedAndItsTargetLeftAlone() async throws {
        let outside = try TemporaryDirectory(prefix: "cairn-e2e-outside")
        defer { outside.remove() }
        let secret = outside.file("secret.txt")
        try "not for cairn".write(toFile: secret, atomically: true, encoding: .utf8)
        let serve = try await ServeProcess(config: Self.config)
        defer { serve.stop() }
        let inbox = serve.directory.file("inbox")
        try FileManager.default.createSymbolicLink(atPath: inbox + "/evil.txt", withDestinationPath: secret)
        try FileManager.default.createSymbolicLink(atPath: inbox + "/up.txt", withDestinationPath: "../data/api-token")
        try "a real file".write(toFile: inbox + "/real.txt", atomically: true, encoding: .utf8)
        try await Poll.until("the drop to look at all three files", timeout: .seconds(20)) {
            (try? serve.sqlite("SELECT COUNT(*) FROM drop_files")) == "3"
        }
        #expect(try serve.sqlite("SELECT COUNT(*) FROM drop_files WHERE name IN ('evil.txt', 'up.txt') AND status = 'failed' AND instance IS NULL") == "2")
        #expect(try serve.sqlite("SELECT detail FROM drop_files WHERE name = 'evil.txt'").contains("symbolic link; links are never followed"))
        #expect(try serve.sqlite("SELECT COUNT(*) FROM drop_files WHERE name = 'real.txt' AND instance IS NOT NULL") == "1")
        // The targets are untouched and nothing read them into an instance.
        #expect(try String(contentsOfFile: secret, encoding: .utf8) == "not for cairn")
        #expect(FileManager.default.fileExists(atPath: serve.directory.file("data/api-token")))
        #expect(try serve.sqlite("SELECT COUNT(*) FROM instances WHERE params LIKE '%evil%' OR params LIKE '%up.txt%'") == "0")
    }
}
