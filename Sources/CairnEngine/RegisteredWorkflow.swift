import Cairn
import Foundation

/// A workflow with its types erased: params in and output out as JSON.
struct RegisteredWorkflow: Sendable {
    let name: String
    let run: @Sendable (_ params: Data, _ meta: EventMeta, _ step: WorkflowStep) async throws -> Data
    /// Checks that params decode as the workflow's `Params`, so a bad request fails at creation.
    let validateParams: @Sendable (Data) throws -> Void
    /// `swift`, or what a ``WorkflowKindNaming`` workflow says (`pipeline`).
    let kind: String

    static func explain(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?:
            return "missing key '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))'"
        case .typeMismatch(let type, let context)?:
            return "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' should be \(type)"
        case .valueNotFound(let type, let context)?:
            return "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' is null, expected \(type)"
        case .dataCorrupted(let context)?:
            return "not valid JSON (\(context.debugDescription))"
        default:
            return "\(error)"
        }
    }

    struct EventMeta: Sendable {
        var instanceID: String
        var workflowName: String
        var timestamp: Date
    }

    init<W: Workflow>(_ workflow: W, name: String) {
        self.name = name
        kind = (workflow as? any WorkflowKindNaming)?.workflowKind ?? "swift"
        let checking = workflow as? any ParamsChecking      // cast once, not per created instance
        validateParams = { params in
            do {
                _ = try StoredJSONDecoder.decode(W.Params.self, from: params)
            } catch {
                throw WorkflowError(.paramsNotDecodable, "The params do not match what workflow '\(name)' expects (\(W.Params.self)): \(Self.explain(error))")
            }
            if let checking {
                let json = (try? JSONValue(json: params)) ?? .null
                do {
                    try checking.checkParams(json: json)
                } catch let error as WorkflowError {
                    throw WorkflowError(.paramsNotDecodable, "The params do not match what workflow '\(name)' expects: \(error.message)")
                }
            }
        }
        run = { params, meta, step in
            let payload: W.Params
            do {
                payload = try StoredJSONDecoder.decode(W.Params.self, from: params.isEmpty ? Data("null".utf8) : params)
            } catch {
                throw WorkflowError(.paramsNotDecodable, "The params of instance '\(meta.instanceID)' do not match what workflow '\(meta.workflowName)' expects (\(W.Params.self)): \(error). Create the instance with matching params.")
            }
            let event = WorkflowEvent(payload: payload, timestamp: meta.timestamp, instanceId: meta.instanceID, workflowName: meta.workflowName)
            let output = try await workflow.run(event: event, step: step)
            do {
                return try StoredJSONEncoder.encode(output)
            } catch {
                throw WorkflowError(.outputNotEncodable, "Workflow '\(meta.workflowName)' returned an output that cannot be encoded as JSON: \(error).")
            }
        }
    }
}
