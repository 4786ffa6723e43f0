import ArgumentParser
import CairnApp
import Foundation
import Logging

/// `cairn serve`: runs the appliance in the foreground until SIGTERM/SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the appliance: engine, HTTP API and triggers, until SIGTERM or SIGINT."
    )

    @OptionGroup var configFile: ConfigFile

    @Option(name: .customLong("log-format"), help: "Log lines as 'text' or 'json' (overrides log.format).")
    var logFormat: LogFormat?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (overrides log.level).")
    var logLevel: Logger.Level?

    @Option(name: .long, help: "Listen on this port instead of server.port (0 picks a free one).")
    var port: Int?

    func run() async throws {
        let appliance = try configFile.load { settings in
            if let logFormat { settings.log.format = logFormat }
            if let logLevel { settings.log.level = logLevel }
            if let port {
                guard (0...65_535).contains(port) else { throw CLIFailure.usage("--port must be from 0 to 65535.") }
                settings.server.port = port
            }
        }
        let settings = appliance.config
        let format = settings.log.format
        let level = settings.log.level
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = format == .json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "cairn")
        do {
            try await appliance.run(logger: logger)
        } catch {
            logger.critical("cannot run: \(error)")
            throw CLIFailure(code: 1, message: "\(error)")
        }
    }
}

extension LogFormat: ExpressibleByArgument {}
extension Logger.Level: @retroactive ExpressibleByArgument {}
