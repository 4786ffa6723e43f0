import Cairn
import Foundation

extension Appliance {
    /// Checks each `[[pipelines]]` entry once the plugins and workflows are known: its name
    /// is not taken by another workflow; every action exists; literal arguments are ones the
    /// action takes; every template reads only earlier steps, known secrets, and secrets only
    /// in arguments the plugin marks as secret-capable. Errors carry the file and line.
    public func checkPipelines(against registrations: [ResolvedWorkflow]) throws {
        for (name, settings) in config.pluginSettings.sorted(by: { $0.key < $1.key }) {
            guard let plugin = plugins[name] else {
                throw ConfigError("[plugins.\(name)]: no plugin named \"\(name)\" in this build (known: \(plugins.keys.sorted().joined(separator: ", "))). Fix the name or remove the table.",
                                  file: config.source, line: config.pluginLines[name])
            }
            do {
                try plugin.checkSettings(settings)
            } catch let error as WorkflowError {
                throw ConfigError(error.message, file: config.source, line: config.pluginLines[name])
            }
        }
        let names = registrations.filter { $0.type != "pipeline" }.map(\.name)
        for pipeline in config.pipelines {
            let lines = config.pipelineLines[pipeline.name] ?? [:]
            func fail(_ message: String, _ keys: String?...) -> ConfigError {
                let line = keys.compactMap { $0.flatMap { lines[$0] } }.first
                return ConfigError("Pipeline \"\(pipeline.name)\": \(message)", file: config.source, line: line ?? lines["name"] ?? pipeline.line)
            }
            if names.contains(pipeline.name) {
                throw fail("the name is taken by a [[workflows]] entry or a workflow in code; give the pipeline its own name.", "name")
            }
            var earlier: [String] = []
            for step in pipeline.steps {
                let at = "step:\(step.name)"
                var reads: [(key: String, path: TemplatePath)] = []
                if let when = step.when { reads += when.paths.map { ("when", $0) } }
                switch step.kind {
                case .action(let pluginName, let actionName, let arguments):
                    guard let plugin = plugins[pluginName] else {
                        let known = plugins.keys.sorted()
                        throw fail("step \"\(step.name)\": no plugin named \"\(pluginName)\" in this build (known: \(known.isEmpty ? "none" : known.joined(separator: ", "))).", "\(at).action", at)
                    }
                    guard let action = plugin.actions[actionName] else {
                        throw fail("step \"\(step.name)\": plugin \(pluginName) has no action \"\(actionName)\" (it has \(plugin.actions.keys.sorted().joined(separator: ", "))).", "\(at).action", at)
                    }
                    if config.pluginSettings[pluginName] == nil {
                        do {
                            try plugin.checkSettings(.object([:]))
                        } catch let error as WorkflowError {
                            throw fail("step \"\(step.name)\" uses \(pluginName).\(actionName), which needs a [plugins.\(pluginName)] table: \(error.message)", "\(at).action", at)
                        }
                    }
                    do {
                        if let value = arguments.literalValue {
                            try action.validate(value)
                            try plugin.checkArguments(value, templated: [], action: actionName, settings: config.pluginSettings[pluginName] ?? .object([:]))
                        } else {
                            let (value, templated) = arguments.probe()
                            try action.validateTemplated(value, templated)
                            try plugin.checkArguments(value, templated: templated.union(arguments.nonLiteralKeys), action: actionName, settings: config.pluginSettings[pluginName] ?? .object([:]))
                        }
                    } catch let error as WorkflowError {
                        throw fail("step \"\(step.name)\": \(error.message)", "\(at).with", "\(at)")
                    }
                    for read in arguments.paths() {
                        reads.append(("with.\(read.key)", read.path))
                        if read.path.root == "secrets" {
                            let top = read.key.split(separator: ".").first.map(String.init)?.split(separator: "[").first.map(String.init) ?? read.key
                            guard action.secretArguments.contains(top) else {
                                throw fail("step \"\(step.name)\": with.\(read.key) reads \(read.path), but \(pluginName).\(actionName) takes secrets only in \(action.secretArguments.sorted().joined(separator: ", ")).", "\(at).with", at)
                            }
                        }
                    }
                case .sleepUntil(let template):
                    reads += template.paths.map { ("sleep_until", $0) }
                case .sleep, .waitForEvent:
                    break
                }
                for read in reads {
                    if let name = read.path.stepName, !earlier.contains(name) {
                        let why = pipeline.steps.contains { $0.name == name } ? "a step that runs later (or this one)" : "no step of this pipeline"
                        throw fail("step \"\(step.name)\": \(read.key) reads \(read.path), \(why); steps may read only earlier steps (\(earlier.isEmpty ? "none yet" : earlier.joined(separator: ", "))).", "\(at).\(read.key.hasPrefix("with") ? "with" : read.key)", at)
                    }
                    if let secret = read.path.secretName, config.secrets[secret] == nil {
                        throw fail("step \"\(step.name)\": \(read.key) reads secrets.\(secret), which [secrets] does not define. Add \(secret) = \"env:NAME\" there.", "\(at).with", at)
                    }
                }
                earlier.append(step.name)
            }
            for read in pipeline.output?.paths() ?? [] {
                if let name = read.path.stepName, !earlier.contains(name) {
                    throw fail("output reads \(read.path), but the pipeline has no step \"\(name)\".", "output")
                }
                if read.path.root == "secrets" {
                    throw fail("output reads \(read.path); an instance's output is stored and shown, so it may not hold secrets.", "output")
                }
            }
        }
    }
}
