import CairnTesting
import Foundation
import Testing

/// The real binary against clients that send what no well-behaved client would: hostile
/// query values and IDs, half requests, oversize bodies, and pages at the size limit.
@Suite struct HostileClientTests {
    static let hostileValues: [String] = [
        "9223372036854775807.1", "9223372036854775807.9223372036854775807", "-9223372036854775808.-1",
        "99999999999999999999999.1", "1e308.1", "1.1e308", "NaN.1", "nan", "inf", "-inf", "-1", "0", "1001",
        "", " ", ".", "..", "1.", ".1", "1.2.3", "-0.0", "0x10.1", "+5", "%00", "\u{0}", "é", "💥.💥", "١٢٣.٤",
        "running", "RUNNING", "unknown", "latest", String(repeating: "9", count: 5000), String(repeating: "é", count: 3000),
    ]

    static func encoded(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }

    @Test func hostileQueryValuesAndIDsGetCleanAnswersAndTheProcessSurvives() async throws {
        let serve = try await ServeProcess(config: { ServeProcess.seedConfig(directory: $0, pause: "1 hour") })
        defer { serve.stop() }
        _ = try await serve.request("POST", "/workflows/my-workflow/instances", body: #"{"id": "target"}"#)
        let list = "/workflows/my-workflow/instances"
        for value in Self.hostileValues {
            let text = Self.encoded(value)
            var requests: [(String, String, String?)] = []
            for parameter in ["status", "per_page", "limit", "cursor"] {
                requests.append(("GET", "\(list)?\(parameter)=\(text)", nil))
            }
            requests.append(("GET", "\(list)?per_page=\(text)&cursor=\(text)&status=\(text)", nil))
            requests.append(("GET", "/workflows/\(text)", nil))
            requests.append(("GET", "/workflows/\(text)/instances?cursor=\(text)", nil))
            requests.append(("GET", "\(list)/\(text)", nil))
            requests.append(("PATCH", "\(list)/\(text)/status", #"{"status": "pause"}"#))
            requests.append(("POST", "\(list)/target/events/\(text)", "1"))
            for (method, path, body) in requests where !path.isEmpty {
                let reply = try await serve.request(method, path, body: body)
                #expect((200..<500).contains(reply.status), "\(method) \(path.prefix(120)) → \(reply.status) \(reply.text.prefix(200))")
                #expect(serve.process.isRunning, "\(method) \(path.prefix(120)) killed the process:\n\(serve.logText().suffix(2000))")
                guard serve.process.isRunning else { return }
            }
        }
        let health = try await serve.request("GET", "/healthz")
        #expect(health.status == 200)
    }

    /// A client that sends a request after one that said `Connection: close` on the same
    /// connection (curl does when it has not yet seen the close) gets the first answered and
    /// the connection closed: no 400 for a request that was never read, so it retries it.
    @Test func aRequestAfterConnectionCloseIsNotAnsweredAsBad() async throws {
        let serve = try await ServeProcess(config: { ServeProcess.seedConfig(directory: $0, pause: "1 hour") })
        defer { serve.stop() }
        let connection = try RawConnection(port: serve.port)
        let body = #"{"id": "first"}"#
        let first = "POST /workflows/my-workflow/instances HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(serve.token)\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
        let second = "POST /workflows/my-workflow/instances HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(serve.token)\r\nContent-Type: application/json\r\n"
            + "Content-Length: 16\r\n\r\n{\"id\": \"second\"}"
        #expect(connection.send(first + second))
        let (text, closed) = await connection.readUntilClosed(timeout: .seconds(10))
        #expect(closed)
        #expect(text.hasPrefix("HTTP/1.1 201"), "\(text.prefix(300))")
        #expect(!text.contains("400") && !text.contains("bad_request"), "\(text)")
        #expect(try serve.sqlite("SELECT group_concat(id) FROM instances") == "first")
        #expect(serve.process.isRunning)
    }

    @Test func latestCannotBeUsedAsAnInstanceID() async throws {
        let serve = try await ServeProcess(config: { ServeProcess.seedConfig(directory: $0, pause: "1 hour") })
        defer { serve.stop() }
        let single = try await serve.request("POST", "/workflows/my-workflow/instances", body: #"{"id": "latest"}"#)
        #expect(single.status == 422)
        #expect(single.errorMessage.contains("'latest' is reserved"), "\(single.errorMessage)")
        let batch = try await serve.request("POST", "/workflows/my-workflow/instances/batch", body: #"[{"id": "a"}, {"id": "latest"}]"#)
        #expect(batch.status == 422)
        let none = try await serve.request("GET", "/workflows/my-workflow/instances")
        #expect((none.json["instances"] as? [[String: Any]])?.isEmpty == true)
    }

    @Test func pagesOfAThousandLeadToTheRest() async throws {
        let serve = try await ServeProcess(config: { ServeProcess.seedConfig(directory: $0, pause: "1 hour") })
        defer { serve.stop() }
        for batch in 0..<11 {
            let size = batch == 10 ? 1 : 100
            let items = (0..<size).map { #"{"id": "i\#(batch)-\#($0)"}"# }.joined(separator: ",")
            let reply = try await serve.request("POST", "/workflows/my-workflow/instances/batch", body: "[\(items)]")
            try #require(reply.status == 201, "\(reply.text.prefix(300))")
        }
        let first = try await serve.request("GET", "/workflows/my-workflow/instances?per_page=1000")
        let firstIDs = (first.json["instances"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
        #expect(firstIDs.count == 1000)
        let cursor = try #require(first.json["cursor"] as? String, "a full page of 1000 with one more instance must carry a cursor")
        let second = try await serve.request("GET", "/workflows/my-workflow/instances?per_page=1000&cursor=\(cursor)")
        let secondIDs = (second.json["instances"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
        #expect(secondIDs.count == 1)
        #expect(second.json["cursor"] is NSNull)
        #expect(Set(firstIDs + secondIDs).count == 1001)
    }

    @Test func aConnectionThatNeverFinishesItsRequestIsClosedAfterTheIdleTimeout() async throws {
        let serve = try await ServeProcess(config: { ServeProcess.seedConfig(directory: $0, server: #"idle_timeout = "1 second""#) })
        defer { serve.stop() }
        let connection = try RawConnection(port: serve.port)
        #expect(connection.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"))     // no blank line: the head never ends
        let started = ContinuousClock.now
        let (_, closed) = await connection.readUntilClosed(timeout: .seconds(15))
        #expect(closed, "the server kept a half-sent request open")
        #expect(ContinuousClock.now - started < .seconds(10))
        // A well-behaved client is unaffected.
        #expect(try await serve.request("GET", "/healthz").status == 200)
    }

    /// A body that trickles in, a byte at a time, never trips the idle timeout; the request
    /// deadline ends it: 408 with the error envelope, the connection closed, nothing created.
    @Test func aBodyThatTricklesInIsAnswered408AtTheRequestDeadline() async throws {
        let serve = try await ServeProcess(config: {
            ServeProcess.seedConfig(directory: $0, server: "idle_timeout = \"2 seconds\"\nrequest_timeout = \"3 seconds\"")
        })
        defer { serve.stop() }
        let connection = try RawConnection(port: serve.port)
        let body = #"{"id": "trickled", "params": {"name": "slow"}}"#
        #expect(connection.send("POST /workflows/my-workflow/instances HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(serve.token)\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n"))
        // A byte every 0.5 s (well inside the 2 s idle timeout): the whole body would take 23 s.
        let sent = await connection.trickle(Array(body.utf8), interval: .milliseconds(500), for: .seconds(8))
        let (text, closed) = await connection.readUntilClosed(timeout: .seconds(10))
        #expect(text.hasPrefix("HTTP/1.1 408"), "\(text.prefix(300))")
        #expect(text.contains("\"request_timeout\"") && text.contains("server.request_timeout"), "\(text)")
        #expect(closed)
        #expect(sent < body.utf8.count, "the whole body went in before the deadline")
        #expect(try serve.sqlite("SELECT COUNT(*) FROM instances") == "0")
        // Requests that arrive in time are unaffected.
        #expect(try await serve.request("GET", "/healthz").status == 200)
        let created = try await serve.request("POST", "/workflows/my-workflow/instances", body: #"{"id": "prompt"}"#)
        #expect(created.status == 201, "\(created.text)")
    }

    @Test func anOversizeChunkedBodyGets413AndTheConnectionIsClosed() async throws {
        // The default idle timeout (30 s) is far beyond the wait below: the 413 itself must close.
        let serve = try await ServeProcess(config: { ServeProcess.seedConfig(directory: $0) })
        defer { serve.stop() }
        let connection = try RawConnection(port: serve.port)
        var request = "POST /workflows/my-workflow/instances HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(serve.token)\r\n"
        request += "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        #expect(connection.send(request))
        let chunk = String(repeating: "a", count: 1024)
        for _ in 0..<16 { connection.send("400\r\n\(chunk)\r\n") }       // 16 KiB over a 4 KiB limit, never ended
        let (text, closed) = await connection.readUntilClosed(timeout: .seconds(10))
        #expect(text.hasPrefix("HTTP/1.1 413"), "\(text.prefix(300))")
        #expect(text.lowercased().contains("connection: close"))
        #expect(closed, "the server kept reading an oversize body")
        #expect(try await serve.request("GET", "/healthz").status == 200)
    }

    @Test func tooManyHeadersOrAMalformedRequestLineGetTheJSONErrorEnvelope() async throws {
        let serve = try await ServeProcess(config: { ServeProcess.seedConfig(directory: $0) })
        defer { serve.stop() }
        let crowded = try RawConnection(port: serve.port)
        var request = "POST /hooks/anything HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for index in 0..<2000 { request += "X-Filler-\(index): \(index)\r\n" }
        #expect(crowded.send(request + "Content-Length: 0\r\n\r\n"))
        let (text, closed) = await crowded.readUntilClosed(timeout: .seconds(10))
        #expect(text.hasPrefix("HTTP/1.1 431"), "\(text.prefix(300))")
        #expect(text.contains(#"{"error":{"code":"headers_too_large","message":"#), "\(text.prefix(500))")
        #expect(closed)
        let garbled = try RawConnection(port: serve.port)
        #expect(garbled.send("GET /healthz HTTP/9\r\n\r\n"))
        let (answer, _) = await garbled.readUntilClosed(timeout: .seconds(10))
        #expect(answer.hasPrefix("HTTP/1.1 400") && answer.contains(#""code":"bad_request""#), "\(answer.prefix(300))")
        #expect(try await serve.request("GET", "/healthz").status == 200)
    }
}
