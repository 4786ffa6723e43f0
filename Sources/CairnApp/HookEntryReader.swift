import Cairn
import CairnTriggers
import Foundation
import TOMLKit

/// Reads one `[[hooks]]` entry into a ``HookDefinition``. Every error names the hook, sits on
/// the line of the offending key and says what to write instead; no error ever holds a
/// secret's value (secrets are named by position and source only).
struct HookEntryReader: ConfigEntryReader {
    static let commonKeys = ["name", "scheme", "secrets", "tolerance", "max_body_bytes", "action", "workflow"]
    static let createKeys = ["headers"]
    static let eventKeys = ["event_type", "instance_header", "instance_pointer"]
    static let customKeys = ["signature_header", "prefix", "encoding", "timestamp_header", "signed_template", "id_header"]
    static let keys = commonKeys + createKeys + eventKeys + customKeys

    let reader: ConfigReader
    let table: TOMLTable
    /// `hooks[3]`, for line lookups.
    let path: String
    let environment: [String: String]
    var name: String?

    init(reader: ConfigReader, table: TOMLTable, path: String, environment: [String: String]) {
        self.reader = reader
        self.table = table
        self.path = path
        self.environment = environment
    }

    /// The entry as a definition, the sources of its secrets, and the lines of its keys for
    /// checks that run after parsing.
    mutating func read() throws -> (definition: HookDefinition, sources: [HookSecretSource], lines: [String: Int]) {
        try reader.keys(table, allowed: Self.keys, path: path)
        guard let name = try string("name", example: "\"github\"") else {
            throw error(nil, "has no name. Add name = \"github\" (letters, digits, - and _; deliveries go to POST /hooks/<name>).")
        }
        let allowed = name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
        guard !name.isEmpty, name.count <= HookDefinition.maxNameLength, allowed, !name.hasPrefix("-") else {
            throw reader.error("\(path).name", "The hook name \"\(name)\" is not allowed: use 1 to \(HookDefinition.maxNameLength) letters, digits, '-' and '_' (not starting with '-'); it is the path segment of POST /hooks/<name>.")
        }
        self.name = name
        guard let schemeText = try string("scheme", example: "\"github\"") else {
            throw error(nil, "has no scheme. Add scheme = \"\(Self.schemeChoices)\" (how the sender signs).")
        }
        guard let scheme = WebhookScheme(rawValue: schemeText) else {
            throw error("scheme", "scheme = \"\(schemeText)\" is not a signing scheme; write one of \(Self.schemeChoices.replacingOccurrences(of: "|", with: ", ")), or hmac-sha256 with signature_header for any other HMAC-SHA256 sender.")
        }
        try refuseInapplicable(Self.customKeys, unless: scheme == .hmacSHA256,
                               because: "applies only to scheme = \"hmac-sha256\"; \(scheme.rawValue) signs with fixed headers. Remove it, or write scheme = \"hmac-sha256\".")
        let (secrets, sources) = try readSecrets(scheme: scheme)
        let custom = scheme == .hmacSHA256 ? try readCustom() : nil
        let tolerance = try readTolerance(scheme: scheme, custom: custom)
        let verifier = try makeVerifier(scheme: scheme, secrets: secrets, tolerance: tolerance, custom: custom)
        let maxBodyBytes = try int("max_body_bytes", example: "1048576") ?? (1 << 20)
        guard (1...(64 << 20)).contains(maxBodyBytes) else {
            throw error("max_body_bytes", "max_body_bytes = \(maxBodyBytes), but it must be from 1 to \(64 << 20) (64 MiB); the default is 1048576 (1 MiB). Larger deliveries are refused with 413 before any hashing.")
        }
        let action = try readAction()
        let definition: HookDefinition
        do {
            definition = try HookDefinition(name: name, verifier: verifier, maxBodyBytes: maxBodyBytes, action: action, line: reader.lines.line(of: path))
        } catch {
            throw reader.error("\(path).name", "\(error)")
        }
        var lines: [String: Int] = [:]
        // Only keys that are there: the lookup of a missing key answers the entry's line.
        for key in ["name", "workflow", "secrets", "action", "max_body_bytes"] where table[key] != nil { lines[key] = reader.lines.line(of: "\(path).\(key)") }
        return (definition, sources, lines)
    }

    static let schemeChoices = WebhookScheme.allCases.map(\.rawValue).joined(separator: "|")

    /// `action` with `workflow` and the keys of that action.
    private func readAction() throws -> HookDefinition.Action {
        guard let action = try string("action", example: "\"create\"") else {
            throw error(nil, "has no action. Add action = \"create\" (each delivery starts an instance of workflow) or action = \"event\" (each delivery is an event for a waiting instance).")
        }
        guard action == "create" || action == "event" else {
            throw error("action", "action = \"\(action)\" is not an action; write \"create\" (start an instance) or \"event\" (send an event to a waiting instance).")
        }
        try refuseInapplicable(Self.createKeys, unless: action == "create",
                               because: "applies only to action = \"create\" (the listed headers are added to the new instance's params); an event's payload is the body. Remove it.")
        try refuseInapplicable(Self.eventKeys, unless: action == "event",
                               because: "applies only to action = \"event\". Remove it, or write action = \"event\" to send deliveries to a waiting instance.")
        guard let workflow = try string("workflow", example: "\"my-workflow\"") else {
            let what = action == "create" ? "the workflow each delivery starts" : "the workflow whose instance receives the event"
            throw error(nil, "has no workflow. Add workflow = \"<name of a [[workflows]] entry>\", \(what).")
        }
        if action == "create" {
            let headers = try stringArray("headers", example: "[\"X-GitHub-Event\"]") ?? []
            for header in headers { try checkHeaderName(header, key: "headers") }
            if let credential = headers.first(where: { ["authorization", "proxy-authorization", "cookie", "set-cookie"].contains($0.lowercased()) }) {
                throw error("headers", "headers lists \(credential), a credential header; it would be copied into every instance's params and stored. Remove it (webhooks authenticate by signature).")
            }
            return .create(workflow: workflow, headers: headers)
        }
        guard let eventType = try string("event_type", example: "\"payment-received\"") else {
            throw error(nil, "has no event_type. Add event_type = \"payment-received\", the type the waiting step's step.waitForEvent names.")
        }
        do {
            try Identifier.validateEventType(eventType)
        } catch {
            throw self.error("event_type", "event_type = \"\(eventType)\" is not allowed: \(error)")
        }
        let header = try string("instance_header", example: "\"X-Cairn-Instance\"")
        let pointer = try string("instance_pointer", example: "\"/data/object/metadata/cairn_instance\"")
        switch (header, pointer) {
        case (let header?, nil):
            try checkHeaderName(header, key: "instance_header")
            return .event(workflow: workflow, eventType: eventType, instance: .header(header))
        case (nil, let pointer?):
            guard Self.isPointer(pointer) else {
                throw error("instance_pointer", "instance_pointer = \"\(pointer)\" is not a JSON Pointer (RFC 6901): it must start with '/' and write '~' as ~0 and '/' inside a key as ~1, e.g. \"/data/object/metadata/cairn_instance\".")
            }
            return .event(workflow: workflow, eventType: eventType, instance: .pointer(pointer))
        case (.some, .some):
            throw error("instance_pointer", "has both instance_header and instance_pointer; keep exactly one: the header that carries the instance ID, or the JSON Pointer to it in the body.")
        case (nil, nil):
            throw error(nil, "has no instance_header or instance_pointer. Add instance_header = \"X-Cairn-Instance\" or instance_pointer = \"/data/object/metadata/cairn_instance\" to say where the instance ID is.")
        }
    }

    /// Whether `pointer` is a non-empty RFC 6901 pointer: starts with `/`, `~` only as `~0` or `~1`.
    static func isPointer(_ pointer: String) -> Bool {
        guard pointer.hasPrefix("/") else { return false }
        let characters = Array(pointer)
        return characters.indices.allSatisfy { index in
            characters[index] != "~" || (index + 1 < characters.count && (characters[index + 1] == "0" || characters[index + 1] == "1"))
        }
    }

    /// Refuses the first of `keys` present unless `condition` holds.
    func refuseInapplicable(_ keys: [String], unless condition: Bool, because reason: String) throws {
        guard !condition, let key = keys.first(where: { table[$0] != nil }) else { return }
        throw error(key, "\(key) \(reason)")
    }

    /// A header name: printable ASCII without spaces or a colon.
    func checkHeaderName(_ header: String, key: String) throws {
        guard !header.isEmpty, !header.utf8.contains(where: { $0 <= 0x20 || $0 >= 0x7F || $0 == UInt8(ascii: ":") }) else {
            throw error(key, "\(key) holds \"\(header)\", which is not a header name; write it as the sender sends it, e.g. \"X-Cairn-Instance\" (no spaces or colon).")
        }
    }
}
