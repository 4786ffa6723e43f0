import Cairn
import CairnApp
import CairnTriggers
import Foundation

/// How `cairn config check` shows `[[hooks]]` entries, as a table and as JSON. Secrets are
/// shown by source only (`env:NAME`, `file:PATH`, `literal`), never by value.
enum ConfigHooks {
    /// `2 secrets from env:GH_NEW, file:/run/secrets/gh-old`.
    static func secrets(_ sources: [HookSecretSource]) -> String {
        "\(sources.count) secret\(sources.count == 1 ? "" : "s") from " + sources.map(\.description).joined(separator: ", ")
    }

    /// `create`, `event payment-received (header X-Cairn-Instance)`.
    static func action(_ action: HookDefinition.Action) -> String {
        switch action {
        case .create(_, let headers): headers.isEmpty ? "create" : "create (+ headers \(headers.joined(separator: ", ")))"
        case .event(_, let type, .header(let header)): "event \(type) (instance from header \(header))"
        case .event(_, let type, .pointer(let pointer)): "event \(type) (instance at \(pointer))"
        }
    }

    /// The tolerance, or `nil` when the hook's signature covers no timestamp.
    static func tolerance(_ verifier: WebhookVerifier) -> Duration? {
        (verifier.scheme.hasTimestamp ?? (verifier.custom?.timestampHeader != nil)) ? verifier.tolerance : nil
    }

    /// The `hooks:` section of the text report.
    static func printTable(_ settings: AppConfig) {
        print("hooks:")
        guard !settings.hooks.isEmpty else {
            print("  (none)")
            return
        }
        var rows = [["NAME", "SCHEME", "ACTION", "WORKFLOW", "SECRETS", "TOLERANCE", "MAX BODY"]]
        for hook in settings.hooks {
            rows.append([
                hook.name, hook.verifier.scheme.rawValue, action(hook.action), hook.action.workflow,
                secrets(settings.hookSecretSources[hook.name] ?? []), tolerance(hook.verifier).map { "\(WorkflowDuration($0))" } ?? "-",
                "\(hook.maxBodyBytes) bytes",
            ])
        }
        Output.table(rows, indent: "  ")
        let retention = settings.webhooks.retentionMilliseconds
        print("  deliveries kept \(WorkflowDuration(.milliseconds(retention))); 429 after \(settings.webhooks.failureBurst) refused deliveries a minute from one address")
    }

    /// One hook as JSON: secrets as their sources, durations in milliseconds.
    static func json(_ hook: HookDefinition, sources: [HookSecretSource]) -> JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(hook.name),
            "scheme": .string(hook.verifier.scheme.rawValue),
            "workflow": .string(hook.action.workflow),
            "secrets": .array(sources.map(json)),
            "tolerance_ms": tolerance(hook.verifier).map { .int(milliseconds($0)) } ?? .null,
            "max_body_bytes": .int(Int64(hook.maxBodyBytes)),
            "line": hook.line.map { .int(Int64($0)) } ?? .null,
        ]
        switch hook.action {
        case .create(_, let headers):
            object["action"] = "create"
            object["headers"] = .array(headers.map { .string($0) })
        case .event(_, let type, let instance):
            object["action"] = "event"
            object["event_type"] = .string(type)
            switch instance {
            case .header(let header): object["instance_header"] = .string(header)
            case .pointer(let pointer): object["instance_pointer"] = .string(pointer)
            }
        }
        if let custom = hook.verifier.custom {
            object["hmac"] = [
                "signature_header": .string(custom.signatureHeader), "prefix": .string(custom.prefix), "encoding": .string(custom.encoding.rawValue),
                "timestamp_header": custom.timestampHeader.map { .string($0) } ?? .null,
                "signed_template": custom.signedTemplate.map { .string($0) } ?? .null,
                "id_header": custom.idHeader.map { .string($0) } ?? .null,
            ]
        }
        return .object(object)
    }

    /// `{"source": "env", "name": "X"}`, `{"source": "file", "path": "…"}` or `{"source": "literal"}`.
    static func json(_ source: HookSecretSource) -> JSONValue {
        switch source {
        case .literal: ["source": "literal"]
        case .environment(let name): ["source": "env", "name": .string(name)]
        case .file(let path): ["source": "file", "path": .string(path)]
        }
    }

    /// The `[webhooks]` settings as JSON.
    static func settings(_ webhooks: AppConfig.Webhooks) -> JSONValue {
        ["retention_ms": .int(webhooks.retentionMilliseconds), "failure_burst": .int(Int64(webhooks.failureBurst))]
    }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        (try? WorkflowDuration(duration).milliseconds()) ?? 0
    }
}
