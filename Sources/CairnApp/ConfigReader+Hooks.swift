import CairnTriggers
import TOMLKit

extension ConfigReader {
    /// What `[[hooks]]` entries yield: the definitions, where their secrets come from and the
    /// lines of their keys, by hook name.
    struct Hooks {
        var definitions: [HookDefinition] = []
        var secretSources: [String: [HookSecretSource]] = [:]
        var lines: [String: [String: Int]] = [:]
    }

    /// `[[hooks]]` entries, each read by ``HookEntryReader``; a name used twice is refused on
    /// the second entry's line. `env:` secrets are looked up in `environment`.
    func hooks(_ root: TOMLTable, environment: [String: String]) throws -> Hooks {
        var hooks = Hooks()
        guard let value = root["hooks"] else { return hooks }
        guard value.tomlValue.type == .array, let array = value.array else {
            throw mismatch("", "hooks", expected: "an array of tables ([[hooks]])", got: value)
        }
        for index in 0..<array.count {
            let path = "hooks[\(index)]"
            guard array[index].tomlValue.type == .table, let table = array[index].table else {
                throw error(path, "Each hook must be a table: write [[hooks]] followed by name = \"...\", scheme = \"...\", secrets = [...], action = \"...\" and workflow = \"...\".")
            }
            var entry = HookEntryReader(reader: self, table: table, path: path, environment: environment)
            let (definition, sources, keyLines) = try entry.read()
            if let first = hooks.lines[definition.name] {
                throw error("\(path).name", "Duplicate hook name \"\(definition.name)\" (first defined at line \(first["name"] ?? 0)). Give each hook its own name: it is the path segment of POST /hooks/<name>.")
            }
            hooks.definitions.append(definition)
            hooks.secretSources[definition.name] = sources
            hooks.lines[definition.name] = keyLines
        }
        return hooks
    }

    /// The `[webhooks]` table: `retention` and `failure_burst`.
    func webhooks(_ root: TOMLTable) throws -> AppConfig.Webhooks {
        var settings = AppConfig.Webhooks()
        guard let table = try table(root, "webhooks", path: "webhooks") else { return settings }
        try keys(table, allowed: ["retention", "failure_burst"], path: "webhooks")
        settings.retentionMilliseconds = try duration(table, "retention", path: "webhooks") ?? settings.retentionMilliseconds
        settings.failureBurst = try int(table, "failure_burst", path: "webhooks", range: 1...100_000) ?? settings.failureBurst
        return settings
    }
}
