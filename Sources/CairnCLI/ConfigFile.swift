import ArgumentParser
import CairnApp
import Foundation

/// The `--config` option of `serve` and `config check`: finds, reads and checks the config
/// (including every workflow entry against the catalog). Problems are usage errors (exit 2).
struct ConfigFile: ParsableArguments {
    @Option(name: .long, help: "The TOML config file (default: $CAIRN_CONFIG, else etc/cairn.toml).")
    var config: String?

    var path: String {
        config ?? ProcessInfo.processInfo.environment["CAIRN_CONFIG"] ?? "etc/cairn.toml"
    }

    func load() throws -> AppConfig {
        do {
            let settings = try ConfigLoader.load(path: path)
            _ = try Appliance(config: settings).registrations()
            return settings
        } catch {
            throw CLIFailure.usage("\(error)")
        }
    }
}
