import ArgumentParser
import CairnApp
import Foundation

/// `cairn config check`: validates a config and prints the resolved settings (workflows,
/// schedules with their next fire time, hooks with where their secrets come from), secrets redacted; `--json` for scripts.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Work with the config file.",
        subcommands: [Check.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Validate a config and print the resolved settings (secrets redacted)."
        )

        @OptionGroup var configFile: ConfigFile

        @Flag(name: .long, help: "Print the resolved config as JSON (secrets redacted) instead of text.")
        var json = false

        func run() async throws {
            let path = configFile.path
            let appliance = try configFile.load()
            let settings = appliance.config
            let resolved = try appliance.registrations()
            let cwd = FileManager.default.currentDirectoryPath
            func absolute(_ path: String) -> String { path.hasPrefix("/") ? path : (cwd as NSString).appendingPathComponent(path) }
            let environment = ProcessInfo.processInfo.environment
            let now = Date()
            if json {
                Output.json(ConfigJSON.report(path: path, appliance: appliance, resolved: resolved, environment: environment, absolute: absolute, now: now).jsonData())
                return
            }
            let tokenSource: String = if settings.auth.token != nil {
                "config (auth.token) [redacted]"
            } else if environment[settings.auth.tokenEnv].map({ !$0.isEmpty }) == true {
                "$\(settings.auth.tokenEnv) [redacted]"
            } else {
                "file \(absolute(APIToken.filePath(dataDirectory: settings.storage.dataDirectory))) (created on first start, mode 0600)"
            }
            print("config \(path) is valid")
            print("")
            print("[server]   listen        http://\(settings.server.host):\(settings.server.port)")
            print("           max body      \(settings.server.maxBodyBytes) bytes")
            print("           idle timeout  \(settings.server.idleTimeoutMilliseconds) ms")
            print("[storage]  database      \(absolute(settings.storage.path))")
            print("           synchronous   \(settings.storage.synchronous.rawValue)")
            print("[auth]     token         \(tokenSource)")
            print("[engine]   concurrency   \(settings.engine.maxConcurrentInstances) instances")
            print("           suspend after \(settings.engine.suspendAfterMilliseconds) ms")
            print("           retention     \(settings.engine.retentionMilliseconds / 86_400_000) days (\(settings.engine.retentionMilliseconds) ms)")
            print("           max payload   \(settings.engine.maxPayloadBytes) bytes")
            print("           grace         \(settings.engine.shutdownGraceMilliseconds) ms")
            print("[log]      level         \(settings.log.level.rawValue), format \(settings.log.format.rawValue)")
            print("workflows:")
            if resolved.isEmpty { print("  (none)") }
            for workflow in resolved {
                guard let type = workflow.type, let entry = settings.workflows.first(where: { $0.name == workflow.name }) else {
                    print("  \(workflow.name)  registered in code (\(workflow.workflow.typeName))")
                    continue
                }
                let options: String = entry.options.keys.sorted().compactMap { key -> String? in
                    guard let value = entry.options[key] else { return nil }
                    let shown = Redaction.option(key, value, declared: workflow.secretKeys)
                    return "\(key)=\(shown == .string(Redaction.marker) ? Redaction.marker : shown.description)"
                }.joined(separator: " ")
                let suffix: String = options.isEmpty ? "" : "  \(options)"
                print("  \(entry.name)  type=\(type)\(suffix)")
            }
            let types = appliance.workflows.entries.keys.sorted()
            print("workflow types in this build:")
            if types.isEmpty { print("  (none)") }
            for type in types { print("  \(type)  \(appliance.workflows.entries[type]?.summary ?? "")") }
            ConfigSchedules.printTable(settings.schedules, now: now)
            ConfigHooks.printTable(settings)
            ConfigDrops.printTable(settings.drops)
            ConfigPipelines.printTable(settings)
        }
    }
}
