import ArgumentParser
import CairnApp
import CairnStock
import CairnEngine
import Foundation
import Logging

/// W4's child: runs W1 instances on a database and prints "done N" as they complete, until killed.
struct RecoveryChild: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "recovery-child", shouldDisplay: false)
    @Option var database: String
    @Option var count: Int

    func run() async throws {
        let harness = try EngineHarness(path: database) { try $0.register(Chain(), as: "chain") }
        let done = Recorder()
        harness.engine.onFinish { finished in
            done.record(finished.id, 1)
            let line = "done \(done.all.count)\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
        for start in stride(from: 0, to: count, by: 100) {
            let requests = (start..<min(start + 100, count)).map { CreateRequest(id: "r\($0)") }
            _ = try await harness.engine.createBatch("chain", requests)
        }
        FileHandle.standardOutput.write(Data("created\n".utf8))
        await harness.completions.waitForTotal(count)
        await harness.stop()
    }
}

/// W5's server: the appliance (`Appliance.run`, exactly what `cairn serve` runs) on a config.
struct ServeChild: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve-child", shouldDisplay: false)
    @Option var config: String

    func run() async throws {
        let settings = try ConfigLoader.load(path: config)
        var appliance = try Appliance.build(config: settings, configure: StockWorkflows.configure)
        appliance.onListening = { port in FileHandle.standardOutput.write(Data("port \(port)\n".utf8)) }
        var logger = Logger(label: "cairn")
        logger.logLevel = settings.log.level
        try await appliance.run(logger: logger)
    }
}
