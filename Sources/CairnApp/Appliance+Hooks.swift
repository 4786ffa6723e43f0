import CairnTriggers

extension Appliance {
    /// Adds the webhooks through the builder's hooks: the deliveries table, the service
    /// (which purges old deliveries) and the routes — `POST /hooks/{name}` without the bearer
    /// token (deliveries authenticate by signature), the listing and replay behind it.
    mutating func installHooks() {
        let definitions = config.hooks
        let settings = config.webhooks
        let box = ServiceBox<HookService>()
        addMigrations(HookService.migrations)
        addService { context in
            let service = HookService(definitions: definitions, engine: context.engine, store: context.store, logger: context.logger,
                                      retention: .milliseconds(settings.retentionMilliseconds), failureBurst: settings.failureBurst)
            box.set(service)
            return service
        }
        addRoutes(authenticated: false, HookRoutes.ingress(box).add)
        addRoutes(authenticated: true, HookRoutes.management(box).add)
    }

    /// Checks each `[[hooks]]` entry against the workflows the appliance serves: the action's
    /// workflow must exist. Run by ``build(config:configure:)``, so `cairn config check` and
    /// start-up refuse the same mistakes, with the file and line.
    public func checkHooks(against registrations: [ResolvedWorkflow]) throws {
        let served = Set(registrations.map(\.name))
        for hook in config.hooks where hook.maxBodyBytes > config.engine.maxPayloadBytes {
            let lines = config.hookLines[hook.name] ?? [:]
            throw ConfigError("Hook \"\(hook.name)\": max_body_bytes = \(hook.maxBodyBytes) is more than engine.max_payload_bytes (\(config.engine.maxPayloadBytes)), so a body that size would be verified and then refused as params. Lower max_body_bytes or raise engine.max_payload_bytes.",
                              file: config.source, line: lines["max_body_bytes"] ?? hook.line)
        }
        for hook in config.hooks where !served.contains(hook.action.workflow) {
            let lines = config.hookLines[hook.name] ?? [:]
            let list = served.isEmpty ? "none (add a [[workflows]] entry first)" : served.sorted().joined(separator: ", ")
            let verb = switch hook.action {
            case .create: "starts"
            case .event: "sends events to"
            }
            throw ConfigError("Hook \"\(hook.name)\" \(verb) workflow \"\(hook.action.workflow)\", which this appliance does not serve. Known workflows: \(list). Set workflow to one of them.",
                              file: config.source, line: lines["workflow"] ?? hook.line)
        }
    }
}
