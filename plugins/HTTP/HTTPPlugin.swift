import Cairn
import Foundation

/// The HTTP plugin as pipelines call it: `http.fetch` with JSON arguments.
///
/// ```toml
/// [[pipelines.steps]]
/// name = "prices"
/// action = "http.fetch"
/// with = { url = "https://api.example.com/prices", query = { currency = "EUR" }, timeout = "10 seconds" }
/// ```
///
/// Arguments: `method` (GET, POST, PUT, PATCH, DELETE, HEAD; GET by default), `url`
/// (http/https), `query` and `headers` (string maps), one of `json` (any value), `text` or
/// `form` (a string map) as the body, `timeout` (a duration, 30 seconds by default),
/// `max_bytes` (10 MiB), `redirects` (5), `expect_status` (statuses that also count as
/// success), `bearer` or `basic = { user, password }` (credentials; may come from secrets).
/// Output: `{status, headers, body}` (see ``HTTP/Response/jsonValue``).
public struct HTTPPlugin: CairnPlugin {
    public let name = "http"

    public init() {}

    public var actions: [String: PluginAction] {
        var fetch = PluginAction(secretArguments: ["bearer", "basic", "headers"], validate: { arguments in
            _ = try Self.request(from: arguments)
        }, run: { arguments, context in
            let request = try Self.request(from: arguments)
            let settings = try HTTPSettings(json: context.settings)
            return try await HTTP.fetch(request, settings: settings).jsonValue
        })
        fetch.validateTemplated = { arguments, templated in
            // Each templated key gets a stand-in of its type; every other key is checked.
            guard case .object(var members) = arguments else { return _ = try Self.request(from: arguments) }
            for key in templated where members[key] != nil { members[key] = Self.standIns[key] ?? members[key] }
            _ = try Self.request(from: .object(members))
        }
        return ["fetch": fetch]
    }

    /// Values of the right type for arguments a template fills in at run time.
    static let standIns: [String: JSONValue] = [
        "url": "https://example.invalid/", "method": "GET", "query": .object([:]), "headers": .object([:]), "json": .null, "text": "",
        "form": .object([:]), "timeout": "30 seconds", "max_bytes": 1, "redirects": 5, "expect_status": .array([]), "bearer": "x",
        "basic": ["user": "x", "password": "x"],
    ]

    /// `[plugins.http]` takes `allowed_hosts` only.
    public func checkSettings(_ settings: JSONValue) throws {
        if let unknown = settings.objectValue?.keys.sorted().first(where: { $0 != "allowed_hosts" }) {
            throw WorkflowError(.invalidArguments, "[plugins.http] has no setting '\(unknown)'; it takes allowed_hosts = [\"api.example.com\", \"*.example.org\"].")
        }
        _ = try HTTPSettings(json: settings)
    }

    static let keys: Set<String> = ["method", "url", "query", "headers", "json", "text", "form", "timeout", "max_bytes", "redirects", "expect_status", "bearer", "basic"]

    /// The request `arguments` describe; a mistake names the key and what it takes.
    static func request(from arguments: JSONValue) throws -> HTTP.Request {
        func refuse(_ message: String) -> WorkflowError { WorkflowError(.invalidArguments, "http.fetch: " + message) }
        guard case .object(let members) = arguments else { throw refuse("the arguments must be a table, e.g. { url = \"https://…\" }.") }
        if let unknown = members.keys.sorted().first(where: { !keys.contains($0) }) {
            throw refuse("unknown argument '\(unknown)'; known: \(keys.sorted().joined(separator: ", ")).")
        }
        func string(_ key: String) throws -> String? {
            guard let value = members[key] else { return nil }
            guard let text = value.stringValue else { throw refuse("\(key) must be a string.") }
            return text
        }
        func stringMap(_ key: String) throws -> [String: String] {
            guard let value = members[key] else { return [:] }
            guard case .object(let map) = value else { throw refuse("\(key) must be a table of strings, e.g. \(key) = { name = \"value\" }.") }
            var result: [String: String] = [:]
            for (name, item) in map {
                switch item {
                case .string(let text): result[name] = text
                case .int(let number): result[name] = "\(number)"
                case .number(let number): result[name] = "\(number)"
                case .bool(let flag): result[name] = "\(flag)"
                default: throw refuse("\(key).\(name) must be a string, number or boolean.")
                }
            }
            return result
        }
        func positive(_ key: String) throws -> Int? {
            guard let value = members[key] else { return nil }
            guard let number = value.intValue, number >= 0, number <= Int64(Int32.max) else { throw refuse("\(key) must be a whole number of at least 0.") }
            return Int(number)
        }
        guard let urlText = try string("url") else { throw refuse("url is missing; write url = \"https://…\".") }
        guard let url = URL(string: urlText), let scheme = url.scheme?.lowercased() else { throw refuse("url '\(urlText.prefix(200))' is not a URL.") }
        guard scheme == "http" || scheme == "https" else { throw refuse("url '\(urlText.prefix(200))' is \(scheme):, but only http and https are fetched.") }
        guard let host = url.host, !host.isEmpty else { throw refuse("url '\(urlText.prefix(200))' has no host; write e.g. https://api.example.com/path.") }
        let method = (try string("method") ?? "GET").uppercased()
        guard HTTP.Request.methods.contains(method) else { throw refuse("method '\(method)' is not one of \(HTTP.Request.methods.sorted().joined(separator: ", ")).") }
        var request = HTTP.Request(method: method, url: url, query: try stringMap("query"), headers: try stringMap("headers"))
        let bodies = ["json", "text", "form"].filter { members[$0] != nil }
        guard bodies.count <= 1 else { throw refuse("give one body: json, text or form (got \(bodies.joined(separator: " and "))).") }
        if let json = members["json"] { request.body = .json(json) }
        if let text = try string("text") { request.body = .text(text) }
        if members["form"] != nil { request.body = .form(try stringMap("form")) }
        if let text = try string("timeout") {
            guard let milliseconds = try? WorkflowDuration(parsing: text).milliseconds(), milliseconds > 0 else {
                throw refuse("timeout '\(text)' is not a duration; write e.g. \"30 seconds\".")
            }
            request.timeout = .milliseconds(milliseconds)
        }
        if let bytes = try positive("max_bytes") {
            guard bytes > 0 else { throw refuse("max_bytes must be at least 1.") }
            request.maxResponseBytes = bytes
        }
        if let redirects = try positive("redirects") { request.maxRedirects = min(redirects, 20) }
        if let statuses = members["expect_status"] {
            guard case .array(let items) = statuses, let codes = Optional(items.compactMap(\.intValue)), codes.count == items.count,
                  codes.allSatisfy({ (100...599).contains($0) }) else {
                throw refuse("expect_status must be an array of HTTP statuses, e.g. [404].")
            }
            request.expectStatus = Set(codes.map { Int($0) })
        }
        if let token = try string("bearer") { request.auth = .bearer(token) }
        if let basic = members["basic"] {
            guard let user = basic["user"]?.stringValue, let password = basic["password"]?.stringValue else {
                throw refuse("basic must be { user = \"…\", password = \"…\" }.")
            }
            guard members["bearer"] == nil else { throw refuse("give bearer or basic, not both.") }
            request.auth = .basic(user: user, password: password)
        }
        return request
    }
}
