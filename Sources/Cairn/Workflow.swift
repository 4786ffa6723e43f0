/// A durable workflow: a `run` function whose steps are persisted and replayed.
///
/// Cairn runs `run(event:step:)` from the top on every lifetime of an instance (first
/// start, after a crash, after a long sleep). Completed steps return their stored result
/// without running again, so execution fast-forwards to the first unfinished step. Code
/// outside steps may therefore run more than once: keep it deterministic and free of side
/// effects, and build state only from `event` and step results.
///
/// ```swift
/// struct Greeter: Workflow {
///     struct Params: Codable, Sendable { var name: String }
///     func run(event: WorkflowEvent<Params>, step: WorkflowStep) async throws -> String {
///         let greeting = try await step.do("compose") { _ in "Hello, \(event.payload.name)" }
///         try await step.sleep("pause", "20 seconds")
///         return greeting
///     }
/// }
/// ```
public protocol Workflow: Sendable {
    /// The instance's parameters, decoded from the JSON given at creation.
    associatedtype Params: Codable & Sendable
    /// The value `run` returns; it becomes the instance's output.
    associatedtype Output: Codable & Sendable

    /// The workflow's body. Throwing ends the instance as `errored` with the error's name and message.
    func run(event: WorkflowEvent<Params>, step: WorkflowStep) async throws -> Output
}

/// Parameters for workflows that take none: decodes from any JSON value.
public struct NoParams: Codable, Sendable, Hashable {
    public init() {}
    public init(from decoder: any Decoder) throws {}
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encodeNil()
    }
}
