import ArgumentParser
import CairnApp
import Foundation

/// The `--config` option of `serve` and `config check`: finds, reads and checks the config
/// (including every workflow entry against the known workflow types). Problems are usage errors (exit 2).
struct ConfigFile: ParsableArguments {
    @Option(name: .long, help: "The TOML config file (default: $CAIRN_CONFIG, else etc/cairn.toml).")
    var config: String?

    var path: String {
        config ?? ProcessInfo.processInfo.environment["CAIRN_CONFIG"] ?? "etc/cairn.toml"
    }

    /// Reads the file and builds the appliance with the program's `configure` closure, so
    /// entries of the program's own workflow types are known. `adjust` applies overrides.
    func load(adjust: (inout AppConfig) throws -> Void = { _ in }) throws -> Appliance {
        var settings: AppConfig
        do {
            settings = try ConfigLoader.load(path: path)
        } catch {
            throw CLIFailure.usage("\(error)")
        }
        try adjust(&settings)
        do {
            return try Appliance.build(config: settings, configure: CairnCLI.configure)
        } catch {
            throw CLIFailure.usage("\(error)")
        }
    }
}
