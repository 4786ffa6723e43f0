import Cairn
import CairnApp
import CairnEmail
import CairnEmbeddings
import CairnHTTP
import CairnExamples
import Foundation

/// The workflow types the stock `cairn` binary ships: `seed-example`, the get-started
/// guide's workflow, and `await-event`, which waits for one event (a webhook's target). A package with its own workflows leaves them out, or adds them too:
///
/// ```swift
/// await CairnCLI.main { app in
///     try StockWorkflows.configure(&app)
///     try app.workflows.register(IPReport(), as: "ip-report")
/// }
/// ```
public enum StockWorkflows {
    /// Adds the stock workflow types to an appliance.
    public static let configure: Appliance.Configure = { app in
        try add(to: &app.workflows)
        for plugin in plugins { app.addPlugin(plugin) }
    }

    /// The built-in plugins, each a target under `plugins/`: the one list an appliance
    /// registers them from.
    public static var plugins: [any CairnPlugin] { [HTTPPlugin(), EmailPlugin(), EmbeddingsPlugin()] }

    /// Adds the stock workflow types to a catalog.
    public static func add(to catalog: inout WorkflowCatalog) throws {
        try catalog.add("seed-example", summary: "The get-started guide's example: fetch a JSON list of IP ranges, sleep, count them (3 linear retries).") { options in
            let source = try options.string("source", default: "etc/sample-ips.json")
            let pause = try options.duration("pause", default: "20 seconds")
            let url = URL(string: source).flatMap { $0.scheme == nil ? nil : $0 } ?? URL(fileURLWithPath: source)
            return AnyWorkflow(MyWorkflow(source: url, pause: pause))
        }
        try catalog.add("count-lines", summary: "Reads a dropped file (params path and name, as a [[drops]] entry gives them) and returns its size and line count.") { _ in
            AnyWorkflow(CountLines())
        }
        try catalog.add("await-event", summary: "Waits for one event (options: event_type, default \"approved\"; timeout, default 24 hours) and returns it with the params.") { options in
            let type = try options.string("event_type", default: "approved")
            do {
                try Identifier.validateEventType(type)
            } catch {
                throw options.error("event_type = \"\(type)\" is not an event type: \(error)", key: "event_type")
            }
            return AnyWorkflow(AwaitEvent(eventType: type, timeout: try options.duration("timeout", default: "24 hours")))
        }
    }
}
