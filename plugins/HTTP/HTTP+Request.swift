import Cairn
import Foundation

extension HTTP {
    /// One HTTP request as `HTTP.fetch` sends it.
    ///
    /// ```swift
    /// let prices = try await HTTP.fetch(.get("https://api.example.com/prices")).json(as: Prices.self)
    /// let created = try await HTTP.fetch(.post("https://api.example.com/orders", json: ["sku": "A-1"]))
    /// ```
    public struct Request: Sendable {
        /// What goes in the request body.
        public enum Body: Sendable {
            /// Sent as `application/json`.
            case json(JSONValue)
            /// Sent as `text/plain; charset=utf-8`.
            case text(String)
            /// Sent as `application/x-www-form-urlencoded`.
            case form([String: String])
        }

        /// Credentials, sent as an `Authorization` header (never logged, never in an output).
        public enum Auth: Sendable {
            case bearer(String)
            case basic(user: String, password: String)
        }

        /// The methods `fetch` sends.
        public static let methods: Set<String> = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]

        public var method: String
        public var url: URL
        /// The text given to ``get(_:query:headers:)`` or ``post(_:json:headers:)`` when it
        /// did not parse as a URL; the fetch then fails saying so.
        var unparsedURL: String?
        /// Added to the URL's query (percent-encoded), in key order.
        public var query: [String: String]
        public var headers: [String: String]
        public var body: Body?
        public var auth: Auth?
        /// For the whole exchange, each redirect hop included; 30 seconds by default.
        public var timeout: Duration
        /// The largest response body read; past it the fetch fails. 10 MiB by default.
        public var maxResponseBytes: Int
        /// Redirects followed (same scheme, or http to https); 5 by default.
        public var maxRedirects: Int
        /// Statuses that count as success besides 2xx (and 3xx when redirects are not followed).
        public var expectStatus: Set<Int>

        public init(method: String = "GET", url: URL, query: [String: String] = [:], headers: [String: String] = [:], body: Body? = nil,
                    auth: Auth? = nil, timeout: Duration = .seconds(30), maxResponseBytes: Int = 10 << 20, maxRedirects: Int = 5,
                    expectStatus: Set<Int> = []) {
            self.method = method
            self.url = url
            self.query = query
            self.headers = headers
            self.body = body
            self.auth = auth
            self.timeout = timeout
            self.maxResponseBytes = maxResponseBytes
            self.maxRedirects = maxRedirects
            self.expectStatus = expectStatus
        }

        /// A GET of `url` (a literal; an invalid one fails the fetch with a clear error).
        public static func get(_ url: String, query: [String: String] = [:], headers: [String: String] = [:]) -> HTTP.Request {
            var request = HTTP.Request(method: "GET", url: URL(string: url) ?? Self.placeholderURL, query: query, headers: headers)
            if URL(string: url) == nil { request.unparsedURL = url }
            return request
        }

        /// A POST of a JSON body.
        public static func post(_ url: String, json: JSONValue, headers: [String: String] = [:]) -> HTTP.Request {
            var request = HTTP.Request(method: "POST", url: URL(string: url) ?? Self.placeholderURL, headers: headers, body: .json(json))
            if URL(string: url) == nil { request.unparsedURL = url }
            return request
        }

        /// Stands in for a URL text that did not parse (never sent: ``HTTP/validate(_:)`` refuses it).
        static let placeholderURL = URL(fileURLWithPath: "/")

        /// The URL with `query` appended.
        var fullURL: URL {
            guard !query.isEmpty, var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return url }
            components.queryItems = (components.queryItems ?? []) + query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
            return components.url ?? url
        }

        /// The body bytes and their content type.
        var encodedBody: (data: Data, contentType: String)? {
            switch body {
            case nil: nil
            case .json(let value): (value.jsonData(), "application/json")
            case .text(let text): (Data(text.utf8), "text/plain; charset=utf-8")
            case .form(let fields):
                (Data(fields.sorted { $0.key < $1.key }.map { "\(Self.formEncoded($0.key))=\(Self.formEncoded($0.value))" }.joined(separator: "&").utf8),
                 "application/x-www-form-urlencoded")
            }
        }

        static func formEncoded(_ text: String) -> String {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._*")
            return (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text).replacingOccurrences(of: "%20", with: "+")
        }
    }
}
