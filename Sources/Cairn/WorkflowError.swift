/// A mistake in how a workflow uses the SDK (bad step name, duration or config), or a value
/// Cairn cannot store. These end the instance as `errored` with this message: retrying or
/// catching them cannot help, the workflow's code has to change.
public struct WorkflowError: NamedError, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let raw: String
        public init(_ raw: String) { self.raw = raw }
        public var description: String { raw }

        public static let invalidStepName = Code("invalid_step_name")
        public static let invalidDuration = Code("invalid_duration")
        public static let invalidStepConfig = Code("invalid_step_config")
        public static let invalidEventType = Code("invalid_event_type")
        public static let invalidInstanceID = Code("invalid_instance_id")
        public static let invalidWorkflowName = Code("invalid_workflow_name")
        public static let outputNotEncodable = Code("output_not_encodable")
        public static let outputTooLarge = Code("output_too_large")
        public static let paramsNotDecodable = Code("params_not_decodable")
        public static let concurrentSameName = Code("concurrent_same_name")
        /// A plugin action's arguments are not what it takes (a missing key, a wrong type).
        public static let invalidArguments = Code("invalid_arguments")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var errorName: String { "WorkflowFatalError" }
    public var errorMessage: String { message }
    public var description: String { "\(code.raw): \(message)" }
}
