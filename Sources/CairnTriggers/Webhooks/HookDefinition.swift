import Foundation

/// One `[[hooks]]` entry: where deliveries arrive (`POST /hooks/{name}`), how they are
/// verified, and what a verified delivery does.
///
/// ```swift
/// let hook = HookDefinition(name: "github", verifier: try WebhookVerifier(scheme: .github, secrets: [secret]),
///                           action: .create(workflow: "triage", headers: ["X-GitHub-Event"]))
/// ```
public struct HookDefinition: Sendable {
    /// What a verified delivery does.
    public enum Action: Sendable, Equatable {
        /// Starts an instance of `workflow` whose params are the body (plus the listed
        /// `headers` under `"headers"`).
        case create(workflow: String, headers: [String])
        /// Sends an event of `eventType`, with the body as payload, to the instance of
        /// `workflow` named by a header or a JSON Pointer into the body.
        case event(workflow: String, eventType: String, instance: InstanceSource)

        /// `create` or `event`, as in the config.
        public var name: String {
            switch self {
            case .create: "create"
            case .event: "event"
            }
        }

        /// The workflow the action concerns.
        public var workflow: String {
            switch self {
            case .create(let workflow, _), .event(let workflow, _, _): workflow
            }
        }
    }

    /// Where an `event` action finds the instance ID.
    public enum InstanceSource: Sendable, Equatable {
        /// A request header, e.g. `X-Cairn-Instance`.
        case header(String)
        /// An RFC 6901 JSON Pointer into the body, e.g. `/data/object/metadata/cairn_instance`.
        case pointer(String)
    }

    /// The lower-cased headers a delivery's record keeps: those the scheme signs with,
    /// `Content-Type` (to parse the body again on replay), and those the action reads. No
    /// other header is stored, so credentials a proxy adds never reach the database.
    public var storedHeaders: Set<String> {
        var names = Set(verifier.signingHeaders)
        names.insert("content-type")
        switch action {
        case .create(_, let headers): names.formUnion(headers.map { $0.lowercased() })
        case .event(_, _, .header(let header)): names.insert(header.lowercased())
        case .event: break
        }
        return names.subtracting(["authorization", "proxy-authorization", "cookie", "set-cookie"])
    }

    /// The path segment: letters, digits, `-` and `_`.
    public var name: String
    /// Checks signatures and timestamps for the hook's scheme and secrets.
    public var verifier: WebhookVerifier
    /// Bodies larger than this are refused (413) before anything is hashed.
    public var maxBodyBytes: Int
    public var action: Action
    /// The entry's line in the config, for messages.
    public var line: Int?

    /// The longest hook name: it is part of derived instance IDs.
    public static let maxNameLength = 48

    public init(name: String, verifier: WebhookVerifier, maxBodyBytes: Int = 1 << 20, action: Action, line: Int? = nil) throws {
        let allowed = name.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_", "-": true
            default: false
            }
        }
        guard !name.isEmpty, name.count <= Self.maxNameLength, allowed, !name.hasPrefix("-") else {
            throw TriggerError(.invalidHook, "The hook name '\(name)' is not allowed: use 1 to \(Self.maxNameLength) letters, digits, '-' and '_' (not starting with '-'); it is the path segment of POST /hooks/{name}.")
        }
        guard (1...(64 << 20)).contains(maxBodyBytes) else {
            throw TriggerError(.invalidHook, "Hook '\(name)': max_body_bytes is \(maxBodyBytes); it must be from 1 byte to 64 MiB (the default is 1 MiB).")
        }
        self.name = name
        self.verifier = verifier
        self.maxBodyBytes = maxBodyBytes
        self.action = action
        self.line = line
    }
}
