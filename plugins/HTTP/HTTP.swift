import Cairn
import CairnCurl
import Foundation

/// The HTTP plugin's Swift API: one fetch, with redirects, a response cap, a timeout and the
/// classification a retry policy needs. Call it inside `step.do`, so the response is
/// recorded once and a retry after a crash does not fetch again:
///
/// ```swift
/// let prices = try await step.do("fetch prices") { _ in
///     try await HTTP.fetch(.get("https://api.example.com/prices")).json(as: Prices.self)
/// }
/// ```
///
/// 429, 5xx, timeouts and connection failures throw ``HTTPRetryableError`` (the step's
/// retry policy applies, `Retry-After` honoured); other 4xx, a body over the cap, a URL that
/// is not http(s), a host outside `allowed_hosts` or a redirect that downgrades throw
/// `NonRetryableError` with the status and the start of the body.
public enum HTTP {
    /// Sends `request`, following redirects, and returns the final response.
    public static func fetch(_ request: HTTP.Request, settings: HTTPSettings = HTTPSettings()) async throws -> HTTP.Response {
        try validate(request)
        var method = request.method.uppercased()
        var url = request.fullURL
        var body = request.encodedBody
        guard url.absoluteString.utf8.count <= Self.maxURLBytes else {
            throw NonRetryableError("The URL is \(url.absoluteString.utf8.count) bytes; at most \(Self.maxURLBytes) are sent. Put large values in the body.")
        }
        // Headers and credentials go only to the origin the request names: a redirect to
        // another scheme, host or port drops them (and a form or JSON body goes no further
        // than a 307/308 to the same origin).
        let origin = Self.origin(of: url)
        var sendsCallerHeaders = true
        let deadline = ContinuousClock.now + request.timeout
        for hop in 0...request.maxRedirects {
            guard let host = url.host, !host.isEmpty else {
                throw NonRetryableError("The URL \(url.absoluteString) has no host; write e.g. https://api.example.com/path.")
            }
            guard settings.allows(host) else {
                throw NonRetryableError("Host \(host) is not in [plugins.http] allowed_hosts (\(settings.allowedHosts.joined(separator: ", "))); nothing was sent. Add it there if it should be reachable.")
            }
            var headers = sendsCallerHeaders ? request.headers.map { (name: $0.key, value: $0.value) } : []
            if let body, !headers.contains(where: { $0.name.lowercased() == "content-type" }) { headers.append(("Content-Type", body.contentType)) }
            switch sendsCallerHeaders ? request.auth : nil {
            case .bearer(let token)?: headers.append(("Authorization", "Bearer \(token)"))
            case .basic(let user, let password)?: headers.append(("Authorization", "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()))
            case nil: break
            }
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { throw HTTPRetryableError(status: nil, message: "\(method) \(redacted(url)) timed out after \(request.timeout).", retryAfter: .zero) }
            let transfer = CurlTransfer(method: method, url: url, headers: headers, body: body?.data, timeout: remaining, maxBytes: request.maxResponseBytes)
            let response = try await perform(transfer, request: request)
            let redirected = [301, 302, 303, 307, 308].contains(response.status) && request.maxRedirects > 0 && !request.expectStatus.contains(response.status)
            if redirected, let location = response.headers["location"] {
                guard hop < request.maxRedirects else {
                    throw NonRetryableError("\(request.method) \(redacted(request.url)) redirected more than \(request.maxRedirects) times (max_redirects); the last went to \(location).")
                }
                guard let next = URL(string: location, relativeTo: url)?.absoluteURL, let scheme = next.scheme?.lowercased() else {
                    throw NonRetryableError("\(method) \(redacted(url)) redirected to '\(location)', which is not a URL.")
                }
                let current = url.scheme?.lowercased() ?? "http"
                guard scheme == current || (current == "http" && scheme == "https") else {
                    throw NonRetryableError("\(method) \(redacted(url)) redirected to \(redacted(next)), from \(current) to \(scheme); only same-scheme redirects and upgrades to https are followed.")
                }
                if response.status == 303 || ([301, 302].contains(response.status) && method == "POST") {
                    method = "GET"
                    body = nil
                }
                if Self.origin(of: next) != origin {
                    sendsCallerHeaders = false
                    body = nil
                    if method != "GET" && method != "HEAD" { method = "GET" }
                }
                url = next
                continue
            }
            return try classify(response, method: method, url: url, request: request)
        }
        throw NonRetryableError("\(request.method) \(redacted(request.url)) redirected more than \(request.maxRedirects) times (max_redirects).")
    }

    /// The longest URL sent.
    static let maxURLBytes = 65_536

    /// `scheme://host:port`, for deciding whether a redirect leaves the origin.
    static func origin(of url: URL) -> String {
        let scheme = url.scheme?.lowercased() ?? ""
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        return "\(scheme)://\(url.host?.lowercased() ?? ""):\(port)"
    }

    /// Whether `text` holds a control character (CR and LF would split a header; NUL cuts C
    /// strings short).
    static func hasControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }

    /// Refuses what no attempt could send.
    static func validate(_ request: HTTP.Request) throws {
        if let text = request.unparsedURL {
            throw NonRetryableError("'\(text.prefix(200))' is not a URL; write e.g. https://api.example.com/path (spaces and other special characters percent-encoded).")
        }
        guard !hasControlCharacters(request.url.absoluteString), !request.query.contains(where: { hasControlCharacters($0.key) }) else {
            throw NonRetryableError("The URL contains control characters (a NUL, CR or LF); nothing was sent.")
        }
        for (name, value) in request.headers {
            guard !name.isEmpty, name.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != ":" }) else {
                throw NonRetryableError("Header name '\(name.prefix(64).unicodeScalars.filter { $0.value >= 0x20 }.map(String.init).joined())' is not a token (letters, digits and - only, no spaces or colon); nothing was sent.")
            }
            guard !hasControlCharacters(value.replacingOccurrences(of: "\t", with: " ")) else {
                throw NonRetryableError("Header \(name) holds a line break or another control character (which would inject headers); nothing was sent.")
            }
        }
        switch request.auth {
        case .bearer(let token) where hasControlCharacters(token):
            throw NonRetryableError("The bearer token holds a control character; nothing was sent.")
        case .basic(let user, let password) where hasControlCharacters(user + password) || user.contains(":"):
            throw NonRetryableError("The basic credentials hold a control character (or the user a colon); nothing was sent.")
        default: break
        }
        guard HTTP.Request.methods.contains(request.method.uppercased()) else {
            throw NonRetryableError("Method \(request.method) is not supported; use one of \(HTTP.Request.methods.sorted().joined(separator: ", ")).")
        }
        let scheme = request.url.scheme?.lowercased() ?? ""
        guard scheme == "http" || scheme == "https" else {
            throw NonRetryableError("The URL '\(request.url.absoluteString)' is not http or https (\(scheme.isEmpty ? "no scheme" : scheme + ":")); only web URLs are fetched.")
        }
        guard request.maxResponseBytes > 0, request.timeout > .zero, request.maxRedirects >= 0 else {
            throw NonRetryableError("max_bytes and timeout must be positive and redirects not negative.")
        }
    }

    /// Runs the blocking transfer on a global queue.
    private static func perform(_ transfer: CurlTransfer, request: HTTP.Request) async throws -> HTTP.Response {
        let result = await transfer.performOffPool()
        switch result {
        case .success(let response):
            var headers: [String: String] = [:]
            for header in response.headers {
                let name = header.name.lowercased()
                headers[name] = headers[name].map { "\($0), \(header.value)" } ?? header.value
            }
            return HTTP.Response(status: response.status, headers: headers, body: response.body)
        case .failure(.tooLarge):
            throw NonRetryableError("The response to \(transfer.method) \(redacted(transfer.url)) is larger than \(request.maxResponseBytes) bytes (max_bytes); reading stopped there. Raise max_bytes or fetch less.")
        case .failure(.timedOut):
            throw HTTPRetryableError(status: nil, message: "\(transfer.method) \(redacted(transfer.url)) timed out after \(request.timeout).", retryAfter: .zero)
        case .failure(.connection(let reason)):
            throw HTTPRetryableError(status: nil, message: "\(transfer.method) \(redacted(transfer.url)) failed: \(reason).", retryAfter: .zero)
        case .failure(.certificate(let reason)):
            throw NonRetryableError("\(transfer.method) \(redacted(transfer.url)): the server's TLS certificate was refused (\(reason)); retrying would not help. Fix the certificate, or trust its issuer in the system's CA store.")
        }
    }

    /// Success, retryable or final, by status.
    static func classify(_ response: HTTP.Response, method: String, url: URL, request: HTTP.Request) throws -> HTTP.Response {
        let status = response.status
        if (200...399).contains(status) || request.expectStatus.contains(status) { return response }
        let excerpt = String(decoding: response.body.prefix(500), as: UTF8.self)
        let what = "\(method) \(redacted(url)) answered HTTP \(status)"
        if status == 429 || (500...599).contains(status) {
            throw HTTPRetryableError(status: status, message: "\(what): \(excerpt)",
                                     retryAfter: HTTPRetryableError.retryAfterDelay(response.headers["retry-after"], now: Date()))
        }
        throw NonRetryableError("\(what): \(excerpt)")
    }

    /// The URL without user info or query (which may hold credentials), for messages.
    static func redacted(_ url: URL) -> String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: true) else { return "(a URL)" }
        components.user = nil
        components.password = nil
        if components.query != nil { components.query = "…" }
        return components.string ?? "(a URL)"
    }
}
