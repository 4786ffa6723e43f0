import ArgumentParser
import CairnApp
import Foundation

/// Where the appliance is and which token to send. The token comes from `--token`, then
/// `$CAIRN_TOKEN`, then `--token-file`, then the config's settings, then `var/api-token`.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: "The appliance's URL (default: $CAIRN_URL, the config's server address, or http://127.0.0.1:8787).")
    var url: String?

    @Option(name: .long, help: "The API token (prefer $CAIRN_TOKEN or the token file).")
    var token: String?

    @Option(name: .customLong("token-file"), help: "A file holding the API token.")
    var tokenFile: String?

    @Option(name: .long, help: "The appliance's config file, to find its address and token (default: $CAIRN_CONFIG).")
    var config: String?

    func client() throws -> APIClient {
        let environment = ProcessInfo.processInfo.environment
        var appConfig: AppConfig?
        if let path = config ?? environment["CAIRN_CONFIG"] {
            do {
                // Only the address and token: a client needs no hook secrets or workflow types.
                appConfig = try ConfigLoader.load(path: path, connectionOnly: true)
            } catch {
                throw CLIFailure.usage("\(error)")
            }
        }
        let base = url ?? environment["CAIRN_URL"] ?? appConfig.map { "http://\(Self.hostForURL($0.server.host)):\($0.server.port)" } ?? "http://127.0.0.1:8787"
        guard let baseURL = URL(string: base), baseURL.scheme == "http" || baseURL.scheme == "https", baseURL.host != nil else {
            throw CLIFailure.usage("--url '\(base)' is not an http(s) URL, e.g. http://127.0.0.1:8787")
        }
        return APIClient(base: baseURL, token: try resolveToken(appConfig, environment: environment))
    }

    private func resolveToken(_ appConfig: AppConfig?, environment: [String: String]) throws -> String? {
        if let token { return token }
        if let token = environment["CAIRN_TOKEN"], !token.isEmpty { return token }
        if let tokenFile {
            guard let token = try? APIToken.read(tokenFile) else {
                throw CLIFailure.usage("Cannot read a token from \(tokenFile).")
            }
            return token
        }
        if let appConfig {
            if let token = appConfig.auth.token { return token }
            if let token = environment[appConfig.auth.tokenEnv], !token.isEmpty { return token }
            return try? APIToken.read(APIToken.filePath(dataDirectory: appConfig.storage.dataDirectory))
        }
        return try? APIToken.read(APIToken.filePath(dataDirectory: "var"))
    }

    private static func hostForURL(_ host: String) -> String {
        switch host {
        case "0.0.0.0", "": "127.0.0.1"
        case "::": "[::1]"
        default: host.contains(":") ? "[\(host)]" : host
        }
    }
}
