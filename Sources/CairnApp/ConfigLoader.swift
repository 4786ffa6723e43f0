import Cairn
import CairnStore
import Foundation
import Logging
import TOMLKit

/// Reads and checks the appliance's TOML config. Every problem (a syntax error, an unknown
/// key, a wrong type, a value out of range, a duplicate workflow) is a ``ConfigError``
/// naming the key and the line, and saying what is allowed.
public enum ConfigLoader {
    /// Reads the file at `path`.
    public static func load(path: String, connectionOnly: Bool = false) throws -> AppConfig {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ConfigError("No config file at \(path). Pass one with --config (a commented sample is etc/cairn.toml).")
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigError("Cannot read \(path) as UTF-8 text. Check its permissions and encoding.", file: path)
        }
        return try parse(text, source: path, connectionOnly: connectionOnly)
    }

    /// Parses config text; `source` names it in error messages. `env:` secrets of `[[hooks]]`
    /// are looked up in `environment` (the process's by default).
    /// With `connectionOnly`, only what a client needs to reach the appliance is read
    /// (`[server]`, `[storage]`, `[auth]`): `cairn hooks list --config …` must not need every
    /// hook's secret in its environment.
    public static func parse(_ text: String, source: String? = nil,
                             environment: [String: String] = ProcessInfo.processInfo.environment,
                             connectionOnly: Bool = false) throws -> AppConfig {
        let root: TOMLTable
        // Inputs the TOML parser would stop the process on instead of refusing.
        try TOMLHeaderCheck.check(text, source: source)
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError("TOML syntax error: \(error.description).", file: source, line: error.source.begin.line)
        }
        let reader = ConfigReader(lines: TOMLLines(text), source: source)
        var config = AppConfig()
        config.source = source
        try reader.keys(root, allowed: ["server", "storage", "auth", "engine", "log", "workflows", "schedules", "webhooks", "hooks", "drops", "pipelines", "secrets", "plugins", "indexes"], path: "")
        if let server = try reader.table(root, "server", path: "server") {
            try reader.keys(server, allowed: ["host", "port", "max_body_bytes", "idle_timeout", "request_timeout"], path: "server")
            config.server.host = try reader.string(server, "host", path: "server") ?? config.server.host
            config.server.port = try reader.int(server, "port", path: "server", range: 0...65_535) ?? config.server.port
            config.server.maxBodyBytes = try reader.int(server, "max_body_bytes", path: "server", range: 1...(64 << 20)) ?? config.server.maxBodyBytes
            if let idle = try reader.duration(server, "idle_timeout", path: "server") {
                guard (1000...3_600_000).contains(idle) else {
                    throw reader.error("server.idle_timeout", "server.idle_timeout must be from 1 second to 1 hour; clients that stay silent longer are disconnected.")
                }
                config.server.idleTimeoutMilliseconds = idle
            }
            if let limit = try reader.duration(server, "request_timeout", path: "server") {
                guard (1000...3_600_000).contains(limit) else {
                    throw reader.error("server.request_timeout", "server.request_timeout must be from 1 second to 1 hour; a request that takes longer to arrive is answered 408.")
                }
                config.server.requestTimeoutMilliseconds = limit
            }
        }
        if let storage = try reader.table(root, "storage", path: "storage") {
            try reader.keys(storage, allowed: ["path", "synchronous"], path: "storage")
            if let path = try reader.string(storage, "path", path: "storage") {
                var isDirectory: ObjCBool = false
                let existingDirectory = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
                guard !path.trimmingCharacters(in: .whitespaces).isEmpty, !path.hasSuffix("/"), !existingDirectory else {
                    throw reader.error("storage.path", "storage.path is \"\(path)\"\(existingDirectory ? ", a directory" : ""); it must name the database file, e.g. path = \"var/cairn.sqlite\" (its directory becomes the data directory).")
                }
                config.storage.path = path
            }
            if let mode = try reader.choice(storage, "synchronous", path: "storage", from: ["full", "normal"]) {
                config.storage.synchronous = mode == "normal" ? .normal : .full
            }
        }
        if let auth = try reader.table(root, "auth", path: "auth") {
            try reader.keys(auth, allowed: ["token", "token_env"], path: "auth")
            if let token = try reader.string(auth, "token", path: "auth") {
                guard token.count >= 16, !token.contains(where: \.isWhitespace) else {
                    throw reader.error("auth.token", "auth.token must be at least 16 characters without spaces. Better: leave it out and use token_env or the generated api-token file.")
                }
                config.auth.token = token
            }
            config.auth.tokenEnv = try reader.string(auth, "token_env", path: "auth") ?? config.auth.tokenEnv
        }
        if let engine = try reader.table(root, "engine", path: "engine") {
            try reader.keys(engine, allowed: ["max_concurrent_instances", "suspend_after", "retention", "max_payload_bytes", "shutdown_grace", "max_buffered_events", "sweep_interval"], path: "engine")
            config.engine.maxConcurrentInstances = try reader.int(engine, "max_concurrent_instances", path: "engine", range: 1...1_000_000) ?? config.engine.maxConcurrentInstances
            config.engine.suspendAfterMilliseconds = try reader.duration(engine, "suspend_after", path: "engine") ?? config.engine.suspendAfterMilliseconds
            config.engine.retentionMilliseconds = try reader.duration(engine, "retention", path: "engine") ?? config.engine.retentionMilliseconds
            config.engine.maxPayloadBytes = try reader.int(engine, "max_payload_bytes", path: "engine", range: 1...(64 << 20)) ?? config.engine.maxPayloadBytes
            config.engine.shutdownGraceMilliseconds = try reader.duration(engine, "shutdown_grace", path: "engine") ?? config.engine.shutdownGraceMilliseconds
            config.engine.maxBufferedEvents = try reader.int(engine, "max_buffered_events", path: "engine", range: 1...1_000_000) ?? config.engine.maxBufferedEvents
            config.engine.sweepIntervalMilliseconds = try reader.duration(engine, "sweep_interval", path: "engine") ?? config.engine.sweepIntervalMilliseconds
        }
        if let log = try reader.table(root, "log", path: "log") {
            try reader.keys(log, allowed: ["level", "format"], path: "log")
            if let level = try reader.choice(log, "level", path: "log", from: Logger.Level.allCases.map(\.rawValue)) {
                config.log.level = Logger.Level(rawValue: level) ?? .info
            }
            if let format = try reader.choice(log, "format", path: "log", from: LogFormat.allCases.map(\.rawValue)) {
                config.log.format = LogFormat(rawValue: format) ?? .text
            }
        }
        if connectionOnly { return config }
        config.workflows = try reader.workflows(root)
        (config.schedules, config.scheduleLines) = try reader.schedules(root)
        config.webhooks = try reader.webhooks(root)
        let hooks = try reader.hooks(root, environment: environment)
        (config.hooks, config.hookSecretSources, config.hookLines) = (hooks.definitions, hooks.secretSources, hooks.lines)
        (config.pipelines, config.pipelineLines) = try reader.pipelines(root)
        (config.secrets, config.secretSources) = try reader.secrets(root, environment: environment)
        (config.pluginSettingsWritten, config.pluginSettings) = try reader.pluginSettings(root, environment: environment)
        for name in config.pluginSettings.keys { config.pluginLines[name] = reader.lines.line(of: "plugins.\(name)") }
        // [[indexes]] are the embeddings plugin's: it gets them with its settings.
        let indexes = try reader.indexes(root)
        config.indexLines = indexes.lines
        if !indexes.entries.isEmpty {
            // An api_key may be env:/file:, resolved like [plugins.*] values; reports keep what was written.
            let resolved = try indexes.entries.enumerated().map { try reader.resolveSecrets($1, path: "indexes[\($0)]", environment: environment) }
            for (target, entries) in [(\AppConfig.pluginSettings, resolved), (\AppConfig.pluginSettingsWritten, indexes.entries)] {
                var members = config[keyPath: target]["embeddings"]?.objectValue ?? [:]
                members["indexes"] = .array(entries)
                config[keyPath: target]["embeddings"] = .object(members)
            }
            config.pluginLines["embeddings"] = config.pluginLines["embeddings"] ?? indexes.lines.values.min()
        }
        // Relative directories start at the working directory, like the storage path.
        (config.drops, config.dropLines) = try reader.drops(root, base: FileManager.default.currentDirectoryPath)
        return config
    }
}
