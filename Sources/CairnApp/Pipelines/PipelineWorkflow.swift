import Cairn
import Foundation
import Logging

/// Runs a ``PipelineDefinition`` as a workflow: each step a durable step of the engine, so a
/// pipeline has the same API, replay, retries and durability as a Swift workflow.
struct PipelineWorkflow: Workflow, ParamsChecking, WorkflowKindNaming {
    var workflowKind: String { "pipeline" }

    let definition: PipelineDefinition
    /// Plugins by name.
    let plugins: [String: any CairnPlugin]
    /// `[plugins.<name>]` settings by plugin name.
    let settings: [String: JSONValue]
    /// `[secrets]`, resolved.
    let secrets: [String: String]
    /// Where plugins' `PluginContext.log` lines go (with pipeline, instance and step).
    var logger: Logger? = nil
    /// The embedding indexes, once the appliance's database is open.
    var indexes: IndexStoreBox? = nil

    func checkParams(json: JSONValue) throws {
        guard !definition.params.isEmpty else { return }
        guard case .object(let members) = json else {
            throw WorkflowError(.paramsNotDecodable, "pipeline \(definition.name) takes an object with \(definition.params.keys.sorted().joined(separator: ", ")).")
        }
        for (key, spec) in definition.params.sorted(by: { $0.key < $1.key }) {
            guard let value = members[key], value != .null else {
                if spec.required { throw WorkflowError(.paramsNotDecodable, "'\(key)' is required (\(spec.type.rawValue)).") }
                continue
            }
            guard spec.type.accepts(value) else { throw WorkflowError(.paramsNotDecodable, "'\(key)' must be \(spec.type.rawValue).") }
        }
    }

    func run(event: WorkflowEvent<JSONValue>, step: WorkflowStep) async throws -> JSONValue {
        var scope = TemplateScope(params: event.payload, event: [
            "payload": event.payload, "timestamp": .string(Date.ISO8601FormatStyle().format(event.timestamp)),
            "instance_id": .string(event.instanceId), "workflow": .string(event.workflowName),
        ])
        var last: JSONValue = .null
        for definition in definition.steps {
            if let when = definition.when, !PipelineDefinition.isTruthy(try rendered(when, scope, step: definition.name)) {
                scope.outputs[definition.name] = ["skipped": true]
                continue
            }
            let output: JSONValue
            do {
                output = try await run(definition, scope: scope, step: step, instance: event.instanceId)
            } catch let error where definition.continueOnError && !(error is WorkflowError) {
                let info = ErrorInfo(error)
                output = ["error": ["name": .string(info.name), "message": .string(info.message)]]
            }
            scope.outputs[definition.name] = output
            last = output
        }
        guard let template = definition.output else { return last }
        do {
            return try template.render(in: scope)
        } catch {
            throw NonRetryableError("Pipeline \(definition.name): its output: \(error.message)")
        }
    }

    /// A plugin's log line at info level, with where it ran; secrets redacted.
    private func log(_ pipeline: String, _ instance: String, _ step: String, _ redaction: SecretRedaction) -> @Sendable (String) -> Void {
        guard let logger else { return { _ in } }
        return { message in
            logger.info("\(redaction.text(message))", metadata: ["workflow": "\(pipeline)", "instance": "\(instance)", "step": "\(step)"])
        }
    }

    private func rendered(_ template: Template, _ scope: TemplateScope, step: String) throws -> JSONValue {
        do {
            return try template.render(in: scope)
        } catch {
            throw NonRetryableError("Pipeline \(definition.name), step \(step): \(error.message)")
        }
    }

    private func run(_ definition: PipelineDefinition.Step, scope: TemplateScope, step: WorkflowStep, instance: String) async throws -> JSONValue {
        switch definition.kind {
        case .action(let pluginName, let actionName, let arguments):
            guard let plugin = plugins[pluginName], let action = plugin.actions[actionName] else {
                throw NonRetryableError("Pipeline \(self.definition.name), step \(definition.name): no action \(pluginName).\(actionName) in this build.")
            }
            var withSecrets = scope
            withSecrets.secrets = secrets
            let argumentScope = withSecrets
            let pipeline = self.definition.name
            let settings = self.settings[pluginName] ?? .object([:])
            let indexes = self.indexes
            let secrets = self.secrets
            let redaction = SecretRedaction(secrets)
            if let compound = action.compound {
                // Its own durable steps: the arguments render the same on every replay.
                let values: JSONValue
                do {
                    values = try arguments.render(in: argumentScope)
                    try action.validate(values)
                } catch {
                    throw NonRetryableError("Pipeline \(pipeline), step \(definition.name): \((error as? TemplateError)?.message ?? (error as? WorkflowError)?.message ?? "\(error)")")
                }
                var pluginContext = PluginContext(workflow: pipeline, instanceID: instance, step: definition.name, attempt: 1, settings: settings,
                                                  secret: { secrets[$0] }, log: log(pipeline, instance, definition.name, redaction), indexes: indexes?.store)
                pluginContext.stepConfig = definition.config
                do {
                    return redaction.json(try await compound(values, pluginContext, step))
                } catch {
                    throw redaction.error(error)
                }
            }
            return try await step.do(definition.name, config: definition.config) { context in
                let values: JSONValue
                do {
                    values = try arguments.render(in: argumentScope)
                } catch {
                    throw NonRetryableError("Pipeline \(pipeline), step \(definition.name): \((error as? TemplateError)?.message ?? "\(error)")")
                }
                do {
                    try action.validate(values)
                } catch let error as WorkflowError {
                    throw NonRetryableError(error.message)
                }
                let pluginContext = PluginContext(workflow: pipeline, instanceID: instance, step: definition.name, attempt: context.attempt,
                                                  settings: settings, secret: { secrets[$0] }, log: log(pipeline, instance, definition.name, redaction),
                                                  previousError: context.previousError, indexes: indexes?.store)
                do {
                    return redaction.json(try await action.run(values, pluginContext))
                } catch {
                    throw redaction.error(error)
                }
            }
        case .sleep(let duration):
            try await step.sleep(definition.name, duration)
            return ["slept": .string(duration.description)]
        case .sleepUntil(let template):
            let value = try rendered(template, scope, step: definition.name)
            guard let text = value.stringValue, let date = try? Date(text, strategy: .iso8601) else {
                throw NonRetryableError("Pipeline \(self.definition.name), step \(definition.name): sleep_until gave \(value), not an RFC 3339 time such as 2026-12-24T09:00:00Z.")
            }
            try await step.sleepUntil(definition.name, date)
            return ["until": .string(text)]
        case .waitForEvent(let type, let timeout, let continueOnTimeout):
            do {
                let received = try await step.waitForEvent(definition.name, type: type, timeout: timeout, as: JSONValue.self)
                return ["timed_out": false, "payload": received.payload]
            } catch is WaitForEventTimeoutError where continueOnTimeout {
                return ["timed_out": true]
            }
        }
    }
}
