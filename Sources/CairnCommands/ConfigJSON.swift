import Cairn
import CairnApp
import Foundation

/// `cairn config check --json`: the whole resolved config, secrets redacted, for scripts and
/// deploy checks. Keys follow the TOML file's names; durations are milliseconds (`_ms`).
enum ConfigJSON {
    /// Where the API token will come from; never the token itself.
    static func token(_ settings: AppConfig, environment: [String: String], absolute: (String) -> String) -> JSONValue {
        if settings.auth.token != nil { return ["source": "config", "token_env": .string(settings.auth.tokenEnv)] }
        if environment[settings.auth.tokenEnv].map({ !$0.isEmpty }) == true {
            return ["source": "environment", "token_env": .string(settings.auth.tokenEnv)]
        }
        return ["source": "file", "token_env": .string(settings.auth.tokenEnv),
                "file": .string(absolute(APIToken.filePath(dataDirectory: settings.storage.dataDirectory)))]
    }

    static func report(path: String, appliance: Appliance, resolved: [ResolvedWorkflow], environment: [String: String],
                       absolute: (String) -> String, now: Date) -> JSONValue {
        let settings = appliance.config
        let workflows: [JSONValue] = resolved.map { workflow in
            guard let type = workflow.type, let entry = settings.workflows.first(where: { $0.name == workflow.name }) else {
                return ["name": .string(workflow.name), "type": .null, "registered_in_code": true, "swift_type": .string(workflow.workflow.typeName), "options": [:]]
            }
            let options = entry.options.reduce(into: [String: JSONValue]()) { result, option in
                result[option.key] = Redaction.option(option.key, option.value, declared: workflow.secretKeys).json
            }
            return ["name": .string(entry.name), "type": .string(type), "registered_in_code": false,
                    "swift_type": .string(workflow.workflow.typeName), "options": .object(options)]
        }
        let types: [JSONValue] = appliance.workflows.entries.keys.sorted().map { type in
            ["type": .string(type), "summary": .string(appliance.workflows.entries[type]?.summary ?? "")]
        }
        return [
            "config": .string(path),
            "valid": true,
            "server": [
                "host": .string(settings.server.host), "port": .int(Int64(settings.server.port)),
                "max_body_bytes": .int(Int64(settings.server.maxBodyBytes)), "idle_timeout_ms": .int(settings.server.idleTimeoutMilliseconds),
            ],
            "storage": [
                "path": .string(absolute(settings.storage.path)), "data_directory": .string(absolute(settings.storage.dataDirectory)),
                "synchronous": .string(settings.storage.synchronous.rawValue),
            ],
            "auth": token(settings, environment: environment, absolute: absolute),
            "engine": [
                "max_concurrent_instances": .int(Int64(settings.engine.maxConcurrentInstances)),
                "suspend_after_ms": .int(settings.engine.suspendAfterMilliseconds),
                "retention_ms": .int(settings.engine.retentionMilliseconds),
                "max_payload_bytes": .int(Int64(settings.engine.maxPayloadBytes)),
                "shutdown_grace_ms": .int(settings.engine.shutdownGraceMilliseconds),
                "max_buffered_events": .int(Int64(settings.engine.maxBufferedEvents)),
                "sweep_interval_ms": .int(settings.engine.sweepIntervalMilliseconds),
            ],
            "log": ["level": .string(settings.log.level.rawValue), "format": .string(settings.log.format.rawValue)],
            "workflows": .array(workflows),
            "workflow_types": .array(types),
            "schedules": .array(settings.schedules.map { ConfigSchedules.json($0, now: now) }),
            "webhooks": ConfigHooks.settings(settings.webhooks),
            "hooks": .array(settings.hooks.map { ConfigHooks.json($0, sources: settings.hookSecretSources[$0.name] ?? []) }),
            "drops": .array(settings.drops.map(ConfigDrops.json)),
            "pipelines": ConfigPipelines.json(settings).pipelines,
            "secrets": ConfigPipelines.json(settings).secrets,
            "plugins": .object(settings.pluginSettingsWritten.mapValues { $0.objectValue.map { .object(Redaction.json($0)) } ?? $0 }),
        ]
    }
}
