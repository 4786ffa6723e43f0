import Cairn
import Foundation

/// A workflow declared in the config: ordered steps, each a plugin action, a sleep, or a
/// wait for an event, with templates reading the params, the event and earlier steps.
public struct PipelineDefinition: Sendable {
    /// One step of a pipeline.
    public struct Step: Sendable {
        /// What the step does.
        public enum Kind: Sendable {
            /// `action = "<plugin>.<action>"` with `with = { … }`.
            case action(plugin: String, action: String, arguments: TemplateValue)
            /// `sleep = "<duration>"`.
            case sleep(WorkflowDuration)
            /// `sleep_until = "<template giving an RFC 3339 time>"`.
            case sleepUntil(Template)
            /// `wait_for_event = { type, timeout, on_timeout }`; the output is
            /// `{"timed_out": false, "payload": …}` or, with `on_timeout = "continue"`,
            /// `{"timed_out": true}` after the timeout.
            case waitForEvent(type: String, timeout: WorkflowDuration, continueOnTimeout: Bool)
        }

        /// Unique within the pipeline; the durable step's name and how templates refer to it.
        public var name: String
        public var kind: Kind
        /// For actions: the step's retry policy and per-attempt timeout.
        public var config: StepConfig
        /// The step runs only when this renders truthy (not null, false, 0, "" or empty).
        public var when: Template?
        /// A failure of the step becomes its output `{"error": {name, message}}` and the
        /// pipeline goes on.
        public var continueOnError: Bool
        /// The config line of the step, for messages.
        public var line: Int?

        public init(name: String, kind: Kind, config: StepConfig = StepConfig(), when: Template? = nil, continueOnError: Bool = false, line: Int? = nil) {
            self.name = name
            self.kind = kind
            self.config = config
            self.when = when
            self.continueOnError = continueOnError
            self.line = line
        }
    }

    /// The JSON types a `params` schema names.
    public enum ParamType: String, Sendable, CaseIterable {
        case string, number, integer, boolean, object, array, any

        func accepts(_ value: JSONValue) -> Bool {
            switch (self, value) {
            case (.any, _), (.string, .string), (.boolean, .bool), (.object, .object), (.array, .array), (.integer, .int), (.number, .int), (.number, .number): true
            case (.integer, .number(let number)): number.rounded() == number && abs(number) < 9_007_199_254_740_992     // exact in a double
            default: false
            }
        }
    }

    public var name: String
    /// Required keys of the params and their types (`"string"`; `"string?"` for optional).
    public var params: [String: (type: ParamType, required: Bool)]
    public var steps: [Step]
    /// The pipeline's output; the last step's output when `nil`.
    public var output: TemplateValue?
    public var line: Int?

    public init(name: String, params: [String: (type: ParamType, required: Bool)] = [:], steps: [Step], output: TemplateValue? = nil, line: Int? = nil) {
        self.name = name
        self.params = params
        self.steps = steps
        self.output = output
        self.line = line
    }

    /// Whether `value` counts as true for `when`.
    static func isTruthy(_ value: JSONValue) -> Bool {
        switch value {
        case .null: false
        case .bool(let flag): flag
        case .int(let number): number != 0
        case .number(let number): number != 0
        case .string(let text): !text.isEmpty && text != "false"
        case .array(let elements): !elements.isEmpty
        case .object(let members): !members.isEmpty
        }
    }
}
