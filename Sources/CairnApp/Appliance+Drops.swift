import Cairn
import CairnTriggers
import Foundation

extension Appliance {
    /// Adds the file drops through the builder's hooks: the ledger, the service (one task
    /// per drop) and the `/drops` routes behind the bearer token.
    mutating func installDrops() {
        let definitions = config.drops
        let box = ServiceBox<DropService>()
        addMigrations(DropService.migrations)
        addService { context in
            let service = DropService(definitions: definitions, engine: context.engine, store: context.store, logger: context.logger)
            box.set(service)
            return service
        }
        addRoutes(authenticated: true, DropRoutes.registration(box).add)
    }

    /// Checks each `[[drops]]` entry: the workflow must exist and accept a file's params, and
    /// the directory must exist, be writable and share its file system with `.cairn/`. Run
    /// by ``build(config:configure:)``, so `cairn config check` and start-up refuse the same
    /// mistakes, with the file and line.
    public func checkDrops(against registrations: [ResolvedWorkflow]) throws {
        let served = Dictionary(registrations.map { ($0.name, $0.workflow) }, uniquingKeysWith: { first, _ in first })
        for drop in config.drops {
            let lines = config.dropLines[drop.name] ?? [:]
            guard let workflow = served[drop.workflow] else {
                let known = served.keys.sorted()
                let list = known.isEmpty ? "none (add a [[workflows]] entry first)" : known.joined(separator: ", ")
                throw ConfigError("Drop \"\(drop.name)\" starts workflow \"\(drop.workflow)\", which this appliance does not serve. Known workflows: \(list). Set workflow to one of them.",
                                  file: config.source, line: lines["workflow"] ?? drop.line)
            }
            if drop.create, !FileManager.default.fileExists(atPath: drop.directory) {
                // A failure shows in the check below, which says what is wrong with the path.
                try? FileManager.default.createDirectory(atPath: drop.directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            do {
                try drop.checkDirectory()
            } catch {
                throw ConfigError(error.message, file: config.source, line: lines["directory"] ?? drop.line)
            }
            var sample = drop.params
            sample["path"] = .string(drop.stateDirectory + "/processing/example")
            sample["name"] = "example.csv"
            sample["size"] = .int(0)
            sample["sha256"] = .string(String(repeating: "0", count: 64))
            sample["modified"] = "2026-01-01T00:00:00Z"
            do {
                try workflow.checkParams(JSONValue.object(sample).jsonData())
            } catch {
                let reason = (error as? WorkflowError)?.message ?? "\(error)"
                throw ConfigError("Drop \"\(drop.name)\": workflow \"\(drop.workflow)\" refuses the params each file would carry: \(reason) Each file's params are params plus path, name, size, sha256 and modified.",
                                  file: config.source, line: lines["params"] ?? lines["workflow"] ?? drop.line)
            }
        }
    }
}
