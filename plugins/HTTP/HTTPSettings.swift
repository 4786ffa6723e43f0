import Cairn
import Foundation

/// `[plugins.http]`: which hosts a fetch may reach, and the defaults of every fetch.
public struct HTTPSettings: Sendable {
    /// Host patterns (`api.example.com`, `*.example.com`, `127.0.0.1`); empty allows every
    /// host. When set, any other host is refused before a connection is made, so a URL
    /// built from a webhook's payload cannot reach internal services. Redirect targets are
    /// checked too.
    public var allowedHosts: [String]

    public init(allowedHosts: [String] = []) {
        self.allowedHosts = allowedHosts.map { $0.lowercased() }
    }

    /// Reads `allowed_hosts` from a `[plugins.http]` table.
    public init(json: JSONValue) throws {
        guard let hosts = json["allowed_hosts"] else {
            self.init()
            return
        }
        guard case .array(let items) = hosts, let names = Optional(items.compactMap(\.stringValue)), names.count == items.count else {
            throw WorkflowError(.invalidArguments, "[plugins.http] allowed_hosts must be an array of host patterns, e.g. [\"api.example.com\", \"*.internal.example\"].")
        }
        self.init(allowedHosts: names)
    }

    /// Whether `host` may be fetched.
    public func allows(_ host: String) -> Bool {
        guard !allowedHosts.isEmpty else { return true }
        let host = host.lowercased()
        return allowedHosts.contains { pattern in
            if pattern.hasPrefix("*.") { return host.hasSuffix(String(pattern.dropFirst(1))) }
            return host == pattern
        }
    }
}
