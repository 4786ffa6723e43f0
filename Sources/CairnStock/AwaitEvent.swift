import Cairn

/// A stock workflow that waits for one event (an approval, a payment confirmation sent by a
/// webhook) and returns its payload with the instance's params: the smallest useful target
/// for a `[[hooks]]` entry with `action = "event"`.
struct AwaitEvent: Workflow {
    let eventType: String
    let timeout: WorkflowDuration

    func run(event: WorkflowEvent<JSONValue>, step: WorkflowStep) async throws -> JSONValue {
        let received = try await step.waitForEvent("await \(eventType)", type: eventType, timeout: timeout, as: JSONValue.self)
        return ["params": event.payload, "event": received.payload]
    }
}
