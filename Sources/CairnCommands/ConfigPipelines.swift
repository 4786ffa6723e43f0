import Cairn
import CairnApp
import Foundation

/// How `cairn config check` shows `[[pipelines]]` (each step with what it does and the
/// values its templates read), `[secrets]` (by source only) and `[plugins.*]`.
enum ConfigPipelines {
    /// `action http.fetch`, `sleep 1 hour`, `wait for activated (7 days, then continue)`.
    static func kind(_ step: PipelineDefinition.Step) -> String {
        switch step.kind {
        case .action(let plugin, let action, _): "action \(plugin).\(action)"
        case .sleep(let duration): "sleep \(duration)"
        case .sleepUntil: "sleep until a time"
        case .waitForEvent(let type, let timeout, let proceed): "wait for \(type) (\(timeout), then \(proceed ? "continue" : "fail"))"
        }
    }

    /// The paths a step's templates read, sorted: `params.email, steps.fetch.output.body`.
    static func reads(_ step: PipelineDefinition.Step) -> [String] {
        var paths = step.when?.paths ?? []
        switch step.kind {
        case .action(_, _, let arguments): paths += arguments.paths().map(\.path)
        case .sleepUntil(let template): paths += template.paths
        case .sleep, .waitForEvent: break
        }
        return Set(paths.map(\.description)).sorted()
    }

    static func printTable(_ settings: AppConfig) {
        print("pipelines:")
        if settings.pipelines.isEmpty { print("  (none)") }
        for pipeline in settings.pipelines {
            let schema = pipeline.params.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.type.rawValue)\($0.value.required ? "" : "?")" }
            print("  \(pipeline.name)\(schema.isEmpty ? "" : "  params { \(schema.joined(separator: ", ")) }")")
            var rows = [["    STEP", "DOES", "WHEN", "READS"]]
            for step in pipeline.steps {
                rows.append(["    " + step.name, kind(step) + (step.continueOnError ? " (continue on error)" : ""), step.when == nil ? "-" : "conditional",
                             reads(step).joined(separator: ", ")])
            }
            Output.table(rows)
        }
        print("secrets:")
        if settings.secretSources.isEmpty { print("  (none)") }
        for (name, source) in settings.secretSources.sorted(by: { $0.key < $1.key }) { print("  \(name)  from \(source)") }
        print("plugin settings:")
        if settings.pluginSettingsWritten.isEmpty { print("  (none)") }
        for (name, value) in settings.pluginSettingsWritten.sorted(by: { $0.key < $1.key }) {
            let shown = value.objectValue.map { JSONValue.object(Redaction.json($0)) } ?? value
            print("  [plugins.\(name)]  \(String(decoding: shown.jsonData(), as: UTF8.self))")
        }
    }

    static func json(_ settings: AppConfig) -> (pipelines: JSONValue, secrets: JSONValue) {
        let pipelines = JSONValue.array(settings.pipelines.map { pipeline in
            [
                "name": .string(pipeline.name),
                "params": .object(pipeline.params.mapValues { .string($0.type.rawValue + ($0.required ? "" : "?")) }),
                "steps": .array(pipeline.steps.map { step in
                    ["name": .string(step.name), "does": .string(kind(step)), "conditional": .bool(step.when != nil),
                     "continue_on_error": .bool(step.continueOnError), "reads": .array(reads(step).map(JSONValue.string))]
                }),
            ]
        })
        let secrets = JSONValue.object(settings.secretSources.mapValues { .string($0.description) })
        return (pipelines, secrets)
    }
}
