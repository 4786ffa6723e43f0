/// A plugin: named actions that Swift workflows call inside `step.do` through the plugin's
/// typed API, and that config pipelines call with JSON arguments through ``PluginAction``.
///
/// ```swift
/// struct Greeter: CairnPlugin {
///     let name = "greet"
///     var actions: [String: PluginAction] {
///         ["hello": PluginAction(validate: { _ in }) { arguments, _ in ["text": .string("hello \(arguments["name"]?.stringValue ?? "")")] }]
///     }
/// }
/// ```
public protocol CairnPlugin: Sendable {
    /// The name pipelines use before the dot (`http` in `http.fetch`); letters, digits, `-`, `_`.
    var name: String { get }
    /// The actions by name (`fetch`).
    var actions: [String: PluginAction] { get }
    /// Checks the `[plugins.<name>]` table at `config check` and start: throws a
    /// ``WorkflowError`` naming an unknown key or a value of the wrong type, so a typo never
    /// silently switches a setting off.
    func checkSettings(_ settings: JSONValue) throws
    /// Checks a pipeline step's arguments against the plugin's settings at `config check`
    /// (an index the config does not declare, say): throws a ``WorkflowError``. `templated`
    /// names the keys whose values only exist when the step runs; they are not checked.
    func checkArguments(_ arguments: JSONValue, templated: Set<String>, action: String, settings: JSONValue) throws
}

extension CairnPlugin {
    /// Accepts any settings; plugins with settings check them.
    public func checkSettings(_ settings: JSONValue) throws {}
    /// Checks nothing beyond the action's own validation.
    public func checkArguments(_ arguments: JSONValue, templated: Set<String>, action: String, settings: JSONValue) throws {}
}

/// One action of a plugin, as pipelines call it: JSON arguments in, JSON out.
public struct PluginAction: Sendable {
    /// Checks arguments before anything runs (at `cairn config check`, for literal
    /// arguments): throws a ``WorkflowError`` with code `invalid_arguments` naming the key and the
    /// type it expects.
    public var validate: @Sendable (JSONValue) throws -> Void
    /// Runs the action once (one attempt of a step); a retryable failure throws, a final one
    /// throws ``NonRetryableError``.
    public var run: @Sendable (JSONValue, PluginContext) async throws -> JSONValue
    /// Argument keys whose values may come from `{{ secrets.* }}` (credentials).
    public var secretArguments: Set<String>
    /// Checks arguments some of whose keys (`templated`) only get their values when the step
    /// runs: those keys are known to be there, everything else is checked. The default checks
    /// nothing unless no key is templated.
    public var validateTemplated: @Sendable (JSONValue, Set<String>) throws -> Void
    /// For a compound action: runs with the instance's ``WorkflowStep`` and makes durable
    /// steps of its own (one per batch, say), so it is called outside any `step.do`. `nil`
    /// for a plain action, which a pipeline runs as one step through ``run``.
    public var compound: (@Sendable (JSONValue, PluginContext, WorkflowStep) async throws -> JSONValue)?

    /// A plain action: one attempt of one step per call.
    public init(secretArguments: Set<String> = [], validate: @escaping @Sendable (JSONValue) throws -> Void,
                run: @escaping @Sendable (JSONValue, PluginContext) async throws -> JSONValue) {
        self.validate = validate
        self.run = run
        self.secretArguments = secretArguments
        self.compound = nil
        self.validateTemplated = { arguments, templated in if templated.isEmpty { try validate(arguments) } }
    }

    /// A compound action, given the step so it can checkpoint its own work.
    public init(secretArguments: Set<String> = [], validate: @escaping @Sendable (JSONValue) throws -> Void,
                compound: @escaping @Sendable (JSONValue, PluginContext, WorkflowStep) async throws -> JSONValue) {
        self.validate = validate
        self.run = { _, _ in throw NonRetryableError("This action makes its own steps; call it with the instance's step.") }
        self.secretArguments = secretArguments
        self.compound = compound
        self.validateTemplated = { arguments, templated in if templated.isEmpty { try validate(arguments) } }
    }
}

/// What an action knows of where it runs: the instance, step and attempt (for idempotency
/// keys), the plugin's `[plugins.<name>]` settings, secrets by name, and a log.
public struct PluginContext: Sendable {
    public var workflow: String
    public var instanceID: String
    public var step: String
    /// 1 for the first attempt.
    public var attempt: Int
    /// `[plugins.<name>]` from the config, secrets already resolved.
    public var settings: JSONValue
    /// A secret by name (`env:`/`file:` resolved at start); `nil` when not configured.
    public var secret: @Sendable (String) -> String?
    /// Writes a line to the appliance's log with the instance and step attached.
    public var log: @Sendable (String) -> Void
    /// How the previous attempt of this step ended (see ``StepContext/previousError``).
    public var previousError: ErrorInfo?
    /// The appliance's embedding indexes (Cairn's database); `nil` outside an appliance.
    public var indexes: (any EmbeddingIndexStore)?
    /// For a compound action: the retries and timeout the pipeline step declares, for the
    /// steps the action makes.
    public var stepConfig = StepConfig()

    public init(workflow: String, instanceID: String, step: String, attempt: Int, settings: JSONValue = .object([:]),
                secret: @escaping @Sendable (String) -> String? = { _ in nil }, log: @escaping @Sendable (String) -> Void = { _ in },
                previousError: ErrorInfo? = nil, indexes: (any EmbeddingIndexStore)? = nil) {
        self.workflow = workflow
        self.instanceID = instanceID
        self.step = step
        self.attempt = attempt
        self.settings = settings
        self.secret = secret
        self.log = log
        self.previousError = previousError
        self.indexes = indexes
    }

    /// An idempotency key stable across the attempts of this step of this instance.
    public var idempotencyKey: String { "\(workflow)/\(instanceID)/\(step)" }
}
