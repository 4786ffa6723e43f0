import Cairn
import CairnEngine
import CairnStore
import CairnTriggers
import Foundation
import Logging

/// The appliance's settings, as read from the TOML file (see `etc/cairn.toml`) and checked.
/// Relative paths are resolved against the working directory `cairn serve` starts in.
public struct AppConfig: Sendable {
    public struct Server: Sendable {
        public var host = "127.0.0.1"
        public var port = 8787
        public var maxBodyBytes = 1 << 20
        /// How long a connection may stay silent before the server closes it.
        public var idleTimeoutMilliseconds: Int64 = 30_000
        /// How long one request (head and body) may take to arrive before it is answered 408.
        public var requestTimeoutMilliseconds: Int64 = 60_000
    }

    public struct Storage: Sendable {
        public var path = "var/cairn.sqlite"
        public var synchronous = SQLiteStore.Synchronous.full
        /// The directory holding the database (and the generated API token).
        public var dataDirectory: String { (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent }
    }

    public struct Auth: Sendable {
        /// A token written in the config (prefer `token_env` or the generated file).
        public var token: String?
        /// The environment variable read for the token.
        public var tokenEnv = "CAIRN_TOKEN"
    }

    public struct EngineSettings: Sendable {
        public var maxConcurrentInstances = 1_000
        public var suspendAfterMilliseconds: Int64 = 10_000
        public var retentionMilliseconds: Int64 = 30 * 86_400_000
        public var maxPayloadBytes = 1 << 20
        /// How long SIGTERM waits for running steps before stopping hard.
        public var shutdownGraceMilliseconds: Int64 = 30_000
        /// Events one instance may hold before a wait takes them.
        public var maxBufferedEvents = 1_000
        /// How often stalled instances (no lifetime, no timer) are looked for.
        public var sweepIntervalMilliseconds: Int64 = 30_000
    }

    public struct Log: Sendable {
        public var level = Logger.Level.info
        public var format = LogFormat.text
    }

    /// The `[webhooks]` table: settings shared by every `[[hooks]]` entry.
    public struct Webhooks: Sendable {
        /// How long delivery records are kept.
        public var retentionMilliseconds: Int64 = 7 * 86_400_000
        /// Refused deliveries one remote address may cause per minute before it gets 429.
        public var failureBurst = 20
    }

    /// One workflow the appliance serves: a name and the type (from the catalog) that runs it.
    public struct WorkflowEntry: Sendable {
        public var name: String
        public var type: String
        public var options: [String: ConfigValue]
        /// Where the entry starts in the file, for error messages.
        public var line: Int?
        /// The line of each option, by path (`pause`, `limits.max`, `endpoints[1].url`).
        public var optionLines: [String: Int] = [:]

        public init(name: String, type: String, options: [String: ConfigValue] = [:], line: Int? = nil, optionLines: [String: Int] = [:]) {
            self.name = name
            self.type = type
            self.options = options
            self.line = line
            self.optionLines = optionLines
        }
    }

    public var server = Server()
    public var storage = Storage()
    public var auth = Auth()
    public var engine = EngineSettings()
    public var log = Log()
    public var workflows: [WorkflowEntry] = []
    /// `[[schedules]]` entries: cron expressions that start a workflow.
    public var schedules: [ScheduleDefinition] = []
    /// The line of each schedule's keys (`name`, `cron`, `workflow`, `params`), by schedule
    /// name, for the checks that run once the workflows are known.
    var scheduleLines: [String: [String: Int]] = [:]
    /// `[[hooks]]` entries: signed webhooks that create instances or send events.
    public var hooks: [HookDefinition] = []
    /// Where each hook's secrets come from, by hook name, in configured order; what reports
    /// show instead of the secrets.
    public var hookSecretSources: [String: [HookSecretSource]] = [:]
    /// The line of each hook's keys (`name`, `workflow`, …), by hook name, for the checks
    /// that run once the workflows are known.
    var hookLines: [String: [String: Int]] = [:]
    public var webhooks = Webhooks()
    /// `[[pipelines]]`: workflows declared in the config.
    public var pipelines: [PipelineDefinition] = []
    /// The line of each pipeline's keys and steps (`step:<name>`, `step:<name>.with`), by pipeline.
    var pipelineLines: [String: [String: Int]] = [:]
    /// `[secrets]`, resolved; templates read them as `{{ secrets.<name> }}`.
    public var secrets: [String: String] = [:]
    /// Where each secret came from (reports show this, never the value).
    public var secretSources: [String: HookSecretSource] = [:]
    /// `[plugins.<name>]` settings by plugin name, `env:`/`file:` values resolved.
    public var pluginSettings: [String: JSONValue] = [:]
    /// The line of each `[plugins.<name>]` table.
    var pluginLines: [String: Int] = [:]
    /// `[plugins.<name>]` as written (`env:NAME` kept), for reports.
    public var pluginSettingsWritten: [String: JSONValue] = [:]
    /// The line of each `[[indexes]]` entry, by index name.
    public var indexLines: [String: Int] = [:]
    /// `[[drops]]` entries: watched directories that start an instance per file.
    public var drops: [DropDefinition] = []
    /// The line of each drop's keys (`name`, `directory`, `workflow`, …), by drop name.
    var dropLines: [String: [String: Int]] = [:]
    /// The file this was read from (for messages), if any.
    public var source: String?

    public init() {}

    /// The engine's settings derived from the `[engine]` table.
    public var engineConfiguration: EngineConfiguration {
        var configuration = EngineConfiguration()
        configuration.maxConcurrentInstances = engine.maxConcurrentInstances
        configuration.suspendAfter = .milliseconds(engine.suspendAfterMilliseconds)
        configuration.retention = .milliseconds(engine.retentionMilliseconds)
        configuration.maxPayloadBytes = engine.maxPayloadBytes
        configuration.maxBufferedEvents = engine.maxBufferedEvents
        configuration.sweepInterval = .milliseconds(engine.sweepIntervalMilliseconds)
        return configuration
    }
}

/// How log lines are written to standard error.
public enum LogFormat: String, Sendable, CaseIterable {
    case text
    case json
}
