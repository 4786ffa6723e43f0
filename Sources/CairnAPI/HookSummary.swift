import Foundation

/// A hook in `GET /hooks`.
public struct HookSummary: Codable, Sendable, Hashable {
    public var name: String
    /// `github`, `stripe`, `standard`, `slack`, `shopify` or `hmac-sha256`.
    public var scheme: String
    /// `create` or `event`.
    public var action: String
    public var workflow: String
    /// The largest accepted body.
    public var maxBodyBytes: Int

    public init(name: String, scheme: String, action: String, workflow: String, maxBodyBytes: Int) {
        self.name = name
        self.scheme = scheme
        self.action = action
        self.workflow = workflow
        self.maxBodyBytes = maxBodyBytes
    }

    enum CodingKeys: String, CodingKey {
        case name, scheme, action, workflow
        case maxBodyBytes = "max_body_bytes"
    }
}

/// `GET /hooks`.
public struct HookList: Codable, Sendable, Hashable {
    public var hooks: [HookSummary]
    public init(hooks: [HookSummary]) { self.hooks = hooks }
}
