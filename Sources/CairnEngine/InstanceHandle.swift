import Cairn
import CairnStore
import Foundation

/// One instance, as `env.MY_WORKFLOW.get(id)` returns it in Cloudflare Workflows.
///
/// ```swift
/// let instance = try engine.get("ip-report", id: "abc")
/// let status = try instance.status()       // status, output, error, steps with attempts
/// try await instance.sendEvent(type: "approval", payload: Data("true".utf8))
/// ```
public struct InstanceHandle: Sendable {
    public let engine: Engine
    public let workflow: String
    public let id: String

    /// Status, output, error `{name, message}` and step history with attempts.
    package func status() throws -> InstanceHistory { try engine.describe(workflow, id: id) }
    /// Status, output, error and step history with attempts.
    public func detail() throws -> InstanceDetail { try engine.detail(workflow, id: id) }
    @discardableResult public func pause() async throws -> InstanceStatus { try await engine.pause(workflow, id: id) }
    @discardableResult public func resume() async throws -> InstanceStatus { try await engine.resume(workflow, id: id) }
    @discardableResult public func terminate() async throws -> InstanceStatus { try await engine.terminate(workflow, id: id) }
    @discardableResult public func restart() async throws -> InstanceStatus { try await engine.restart(workflow, id: id) }
    public func sendEvent(type: String, payload: Data? = nil) async throws {
        try await engine.sendEvent(workflow, id: id, type: type, payload: payload)
    }
}

extension Engine {
    /// The instance with this ID (or `latest`); throws `.instanceNotFound` if there is none.
    public func get(_ workflow: String, id: String) throws -> InstanceHandle {
        InstanceHandle(engine: self, workflow: workflow, id: try record(workflow, id: id).id)
    }
}
