import ArgumentParser
import CairnApp
import Foundation

/// The `cairn` command line as a library, so a package with its own workflows gets the
/// whole CLI (`serve`, `config check`, `instances …`) from a three-line `main.swift`:
///
/// ```swift
/// import CairnCommands
///
/// await CairnCLI.main { app in try app.workflows.register(IPReport(), as: "ip-report") }
/// ```
public enum CairnCLI {
    /// The appliance's `configure` closure while a command runs (`serve` and `config check` use it).
    @TaskLocal static var configure: Appliance.Configure = { _ in }

    /// Parses the process's arguments, runs the command and exits with its code.
    /// `configure` adds the package's workflows, workflow types, services and routes.
    public static func main(configure: @escaping Appliance.Configure = { _ in }) async {
        await $configure.withValue(configure) {
            await CairnCommand.main()
        }
    }
}

/// `cairn`: `serve` runs the appliance; the other commands talk to a running one over HTTP,
/// the way wrangler talks to Cloudflare. Exit codes: 0 success, 1 the server refused
/// (its message is printed), 2 usage error, 3 the appliance cannot be reached.
struct CairnCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cairn",
        abstract: "A self-hosted durable-workflow appliance.",
        discussion: "Exit codes: 0 success, 1 error from the server, 2 usage error, 3 cannot reach the appliance.",
        subcommands: [ServeCommand.self, ConfigCommand.self, WorkflowsCommand.self, InstancesCommand.self, TriggerCommand.self, SchedulesCommand.self, HooksCommand.self, DropsCommand.self, IndexesCommand.self, SearchCommand.self, CronCommand.self]
    )

    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch let failure as CLIFailure {
            failure.print()
            Foundation.exit(failure.code)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { Swift.print(message) }
                Foundation.exit(0)
            }
            if !message.isEmpty { CLIFailure.writeError(message) }
            // Parsing and validation problems are usage errors.
            Foundation.exit(code == .validationFailure || error is ValidationError ? 2 : code.rawValue)
        }
    }
}

/// A failure with the exit code it maps to.
struct CLIFailure: Error {
    var code: Int32
    var message: String

    static func server(_ message: String) -> CLIFailure { CLIFailure(code: 1, message: message) }
    static func usage(_ message: String) -> CLIFailure { CLIFailure(code: 2, message: message) }
    static func unreachable(_ message: String) -> CLIFailure { CLIFailure(code: 3, message: message) }

    func print() { Self.writeError("error: \(message)") }

    static func writeError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
