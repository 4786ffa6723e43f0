import Cairn
import CairnStore

/// An error from the engine's API: a stable `code` (mapped to HTTP statuses and CLI exit
/// codes at the edges) and a message that says what failed and what to do.
public struct EngineError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let raw: String
        public init(_ raw: String) { self.raw = raw }
        public var description: String { raw }

        public static let workflowNotFound = Code("workflow_not_found")
        public static let duplicateWorkflow = Code("duplicate_workflow")
        public static let instanceNotFound = Code("instance_not_found")
        public static let duplicateInstanceID = Code("duplicate_instance_id")
        public static let invalidInput = Code("invalid_input")
        public static let payloadTooLarge = Code("payload_too_large")
        public static let instanceFinished = Code("instance_finished")
        public static let invalidTransition = Code("invalid_transition")
        public static let stopped = Code("engine_stopped")
        public static let storage = Code("storage")
        /// An instance's event buffer is full (`engine.max_buffered_events`).
        public static let tooManyEvents = Code("too_many_events")
        /// A trigger's own write, committed with a start, refused it (the message says why).
        public static let rejected = Code("rejected")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.raw): \(message)" }

    init(_ error: StoreError) {
        switch error.code {
        case .duplicateInstanceID: self.init(.duplicateInstanceID, error.message)
        case .instanceNotFound: self.init(.instanceNotFound, error.message)
        case .instanceFinished: self.init(.instanceFinished, error.message)
        case .invalidTransition: self.init(.invalidTransition, error.message)
        case .closed: self.init(.stopped, error.message)
        case .tooManyEvents: self.init(.tooManyEvents, error.message)
        case .rejected: self.init(.rejected, error.message)
        default: self.init(.storage, error.message)
        }
    }

    init(_ error: WorkflowError) {
        self.init(.invalidInput, error.message)
    }
}
