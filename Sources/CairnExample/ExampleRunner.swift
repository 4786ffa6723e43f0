import Cairn
import CairnEngine
import CairnExamples
import CairnStore
import Foundation

enum ExampleRunner {
    static func main(arguments: [String]) async -> Int32 {
        var options: [String: String] = [:]
        var index = 0
        while index < arguments.count {
            let key = arguments[index]
            guard key.hasPrefix("--"), index + 1 < arguments.count else {
                print("usage: cairn-example [--database PATH] [--source URL] [--pause DURATION]")
                return 2
            }
            options[String(key.dropFirst(2))] = arguments[index + 1]
            index += 2
        }
        let database = options["database"] ?? "var/example.sqlite"
        let source = options["source"].flatMap(URL.init(string:))
            ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath + "/etc/sample-ips.json")
        let pause = WorkflowDuration(stringLiteral: options["pause"] ?? "20 seconds")
        do {
            let store = try SQLiteStore(path: database)
            let engine = try Engine(store: store)
            try engine.register(MyWorkflow(source: source, pause: pause), as: "my-workflow")
            return try await withThrowingTaskGroup(of: Int32.self) { group in
                group.addTask {
                    try await engine.run()
                    return 1
                }
                defer { group.cancelAll() }
                let instance = try await engine.create("my-workflow", params: MyWorkflow.Params(name: "cairn"))
                print("created instance \(instance.id) of my-workflow (database: \(database))")
                var last: InstanceStatus?
                let final = try await engine.waitFor("my-workflow", id: instance.id, timeout: .seconds(600)) { record in
                    record.status.isFinished
                } 
                _ = last
                for step in try engine.describe("my-workflow", id: instance.id).steps {
                    print("  \(step.key.kind.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0)) \(step.key.displayName.padding(toLength: 16, withPad: " ", startingAt: 0)) \(step.status.rawValue)")
                }
                last = final.status
                print("status: \(final.status.rawValue)")
                if let output = final.output { print("output: \(String(decoding: output, as: UTF8.self))") }
                if let error = final.error { print("error: \(error)") }
                return final.status == .complete ? 0 : 1
            }
        } catch {
            print("cairn-example: \(error)")
            return 1
        }
    }
}
