import Cairn
@testable import CairnHTTP
import Foundation
import Testing

/// `HTTP.fetch` against a real loopback server: methods, bodies, the cap, redirects, the
/// timeout and how failures are classified for the retry policy.
@Suite struct HTTPFetchTests {
    @Test func jsonTextAndBinaryBodiesComeBackAsTheContentTypeSays() async throws {
        let server = try await LoopbackServer()
        defer { server.stop() }
        let json = try await HTTP.fetch(.get(server.base + "/json"))
        #expect(json.status == 200 && json.isJSON)
        #expect(json.jsonValue["body"]?["currency"] == "EUR")
        struct Prices: Decodable { var prices: [Int] }
        #expect(try json.json(as: Prices.self).prices == [1, 2, 3])
        let text = try await HTTP.fetch(.get(server.base + "/text"))
        #expect(text.jsonValue["body"] == "plain words")
        let binary = try await HTTP.fetch(.get(server.base + "/binary"))
        #expect(binary.jsonValue["binary"] == true && binary.jsonValue["body"] == .string(Data([0xFF, 0x00, 0xFE, 0x01]).base64EncodedString()))
        // Text that is not UTF-8 is not mangled: it comes back as base64 with the flag.
        let latin1 = try await HTTP.fetch(.get(server.base + "/latin1"))
        #expect(latin1.jsonValue["binary"] == true)
    }

    @Test func eachMethodSendsItsBodyQueryAndHeaders() async throws {
        let server = try await LoopbackServer()
        defer { server.stop() }
        for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
            var request = HTTP.Request(method: method, url: URL(string: server.base + "/echo")!, query: ["b": "2", "a": "x y"], headers: ["X-Trace": "t-1"])
            if method != "GET" { request.body = .json(["order": 7]) }
            let echoed = try await HTTP.fetch(request).jsonValue["body"]
            #expect(echoed?["method"] == .string(method))
            #expect(echoed?["query"] == "a=x%20y&b=2")
            #expect(echoed?["headers"]?["x-trace"] == "t-1")
            if method != "GET" {
                #expect(echoed?["body"] == #"{"order":7}"#)
                #expect(echoed?["headers"]?["content-type"] == "application/json")
            }
        }
        let head = try await HTTP.fetch(HTTP.Request(method: "HEAD", url: URL(string: server.base + "/echo")!))
        #expect(head.status == 200 && head.body.isEmpty)
        let form = try await HTTP.fetch(HTTP.Request(method: "POST", url: URL(string: server.base + "/echo")!, body: .form(["q": "a&b", "n": "1"])))
        #expect(form.jsonValue["body"]?["body"] == "n=1&q=a%26b")
        let bearer = try await HTTP.fetch(HTTP.Request(url: URL(string: server.base + "/echo")!, auth: .bearer("tok-123")))
        #expect(bearer.jsonValue["body"]?["headers"]?["authorization"] == "Bearer tok-123")
    }

    @Test func aResponseOverTheCapFailsForGoodWithAClearError() async throws {
        let server = try await LoopbackServer()
        defer { server.stop() }
        var request = HTTP.Request.get(server.base + "/big")
        request.maxResponseBytes = 1 << 20
        let error = try await #require(throws: NonRetryableError.self) { try await HTTP.fetch(request) }
        #expect(error.message.contains("larger than 1048576 bytes"))
        request.maxResponseBytes = 3 << 20
        #expect(try await HTTP.fetch(request).body.count == 2 << 20)
    }

    @Test func redirectsAreFollowedUpToTheLimitAndNeverToAnotherScheme() async throws {
        let server = try await LoopbackServer()
        defer { server.stop() }
        #expect(try await HTTP.fetch(.get(server.base + "/redirect/5")).jsonValue["body"]?["arrived"] == true)
        let tooMany = try await #require(throws: NonRetryableError.self) { try await HTTP.fetch(.get(server.base + "/redirect/6")) }
        #expect(tooMany.message.contains("more than 5 times"))
        let ftp = try await #require(throws: NonRetryableError.self) { try await HTTP.fetch(.get(server.base + "/to-ftp")) }
        #expect(ftp.message.contains("only same-scheme redirects"))
        // 303 after a POST continues as a GET without the body.
        let seeOther = try await HTTP.fetch(.post(server.base + "/see-other", json: ["x": 1]))
        #expect(seeOther.jsonValue["body"]?["method"] == "GET" && seeOther.jsonValue["body"]?["body"] == "")
    }

    @Test func aTimeoutAnd5xxAreRetryableAnd4xxIsFinal() async throws {
        let server = try await LoopbackServer()
        defer { server.stop() }
        var slow = HTTP.Request.get(server.base + "/slow")
        slow.timeout = .milliseconds(300)
        let timedOut = try await #require(throws: HTTPRetryableError.self) { try await HTTP.fetch(slow) }
        #expect(timedOut.status == nil && timedOut.message.contains("timed out"))
        let missing = try await #require(throws: NonRetryableError.self) { try await HTTP.fetch(.get(server.base + "/missing")) }
        #expect(missing.message.contains("HTTP 404") && missing.message.contains("no such thing"))
        var tolerant = HTTP.Request.get(server.base + "/missing")
        tolerant.expectStatus = [404]
        #expect(try await HTTP.fetch(tolerant).status == 404)
        let busy = try await #require(throws: HTTPRetryableError.self) { try await HTTP.fetch(.get(server.base + "/flaky")) }
        #expect(busy.status == 503)
        #expect(try await HTTP.fetch(.get(server.base + "/flaky")).text == "recovered")
        let throttled = try await #require(throws: HTTPRetryableError.self) { try await HTTP.fetch(.get(server.base + "/throttled")) }
        #expect(throttled.status == 429 && throttled.retryAfter == .seconds(7))
        let refused = try await #require(throws: HTTPRetryableError.self) { try await HTTP.fetch(.get("http://127.0.0.1:1/nothing")) }
        #expect(refused.status == nil)
    }

    @Test func otherSchemesAndHostsOutsideTheAllowListAreRefusedBeforeConnecting() async throws {
        let server = try await LoopbackServer()
        defer { server.stop() }
        let unparsable = try await #require(throws: NonRetryableError.self) { try await HTTP.fetch(.get("http://exa mple.com/a b")) }
        #expect(unparsable.message.contains("is not a URL"))
        // An empty body is sent as one (Content-Length: 0), not dropped.
        let empty = try await HTTP.fetch(HTTP.Request(method: "POST", url: URL(string: server.base + "/echo")!, body: .text("")))
        #expect(empty.jsonValue["body"]?["method"] == "POST" && empty.jsonValue["body"]?["body"] == "")
        for url in ["file:///etc/passwd", "ftp://127.0.0.1/x"] {
            let error = try await #require(throws: NonRetryableError.self) { try await HTTP.fetch(.get(url)) }
            #expect(error.message.contains("not http or https"), "\(url): \(error.message)")
        }
        let settings = HTTPSettings(allowedHosts: ["*.example.com", "api.example.org"])
        let error = try await #require(throws: NonRetryableError.self) { try await HTTP.fetch(.get(server.base + "/json"), settings: settings) }
        #expect(error.message.contains("not in [plugins.http] allowed_hosts"))
        #expect(server.hits.isEmpty)
        #expect(settings.allows("a.example.com") && !settings.allows("example.com.evil.net") && settings.allows("API.example.org"))
        #expect(try await HTTP.fetch(.get(server.base + "/json"), settings: HTTPSettings(allowedHosts: ["127.0.0.1"])).status == 200)
    }

    @Test func retryAfterIsReadInSecondsOrAsAnHTTPDate() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(HTTPRetryableError.retryAfterDelay("120", now: now) == .seconds(120))
        let date = Date(timeIntervalSince1970: 1_800_000_090)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        #expect(HTTPRetryableError.retryAfterDelay(formatter.string(from: date), now: now) == .seconds(90))
        #expect(HTTPRetryableError.retryAfterDelay("soon", now: now) == .zero)
        #expect(HTTPRetryableError.retryAfterDelay("999999999", now: now) == .seconds(86_400))
    }

    @Test func headersThatWouldSplitAndURLsWithControlCharactersOrTooLongAreRefused() async throws {
        let server = try await LoopbackServer()
        defer { server.stop() }
        let injected = try await #require(throws: NonRetryableError.self) {
            try await HTTP.fetch(.get(server.base + "/echo", headers: ["X-User": "x\r\nX-Injected: yes"]))
        }
        #expect(injected.message.contains("line break"))
        await #expect(throws: NonRetryableError.self) { try await HTTP.fetch(.get(server.base + "/echo", headers: ["Bad Name": "x"])) }
        await #expect(throws: NonRetryableError.self) { try await HTTP.fetch(HTTP.Request(url: URL(string: server.base + "/echo")!, auth: .bearer("a\nb"))) }
        let long = try await #require(throws: NonRetryableError.self) {
            try await HTTP.fetch(.get(server.base + "/echo", query: ["q": String(repeating: "é", count: 40_000)]))
        }
        #expect(long.message.contains("at most 65536"))
        #expect(server.hits.isEmpty)
    }

    @Test func aRedirectToAnotherOriginDropsTheCredentialsAndHeaders() async throws {
        let first = try await LoopbackServer()
        let second = try await LoopbackServer()
        defer { first.stop(); second.stop() }
        var request = HTTP.Request.get(first.base + "/elsewhere", query: ["to": second.base + "/echo"], headers: ["X-Api": "secret-header"])
        request.auth = .bearer("secret-token")
        let echoed = try await HTTP.fetch(request).jsonValue["body"]?["headers"]
        #expect(echoed?["authorization"] == nil && echoed?["x-api"] == nil, "\(String(describing: echoed))")
        // The same origin keeps them.
        var same = HTTP.Request.get(first.base + "/elsewhere", query: ["to": "/echo"], headers: ["X-Api": "kept"])
        same.auth = .bearer("kept-token")
        let kept = try await HTTP.fetch(same).jsonValue["body"]?["headers"]
        #expect(kept?["authorization"] == "Bearer kept-token" && kept?["x-api"] == "kept")
    }
}
