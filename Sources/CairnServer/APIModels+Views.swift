import Cairn
import CairnAPI
import CairnEngine
import Foundation

/// The engine's views in the API's wire shapes.
extension InstanceSummary {
    init(_ view: InstanceView) {
        self.init(
            id: view.id, workflow: view.workflow, status: view.status, triggerSource: view.trigger,
            createdOn: view.createdAt, modifiedOn: view.updatedAt, startedOn: view.startedAt, endedOn: view.endedAt,
            waitingFor: view.waitingFor, wakeAt: view.wakeAt)
    }
}

extension InstanceDescription {
    init(_ detail: InstanceDetail) {
        let instance = detail.instance
        self.init(
            summary: InstanceSummary(instance), params: instance.params, output: instance.output, error: instance.error,
            success: instance.status.isFinished ? instance.status == .complete : nil,
            pausedOn: instance.pausedAt, steps: detail.steps.map(StepDescription.init))
    }
}

extension StepDescription {
    init(_ step: StepView) {
        let isDo = step.key.kind == .do
        self.init(
            type: isDo ? "step" : step.key.kind.rawValue, name: step.key.displayName, status: step.status.rawValue,
            start: step.startedAt, end: step.endedAt, output: step.output, error: step.error, wakeAt: step.wakeAt,
            success: isDo && (step.status == .succeeded || step.status == .failed) ? step.status == .succeeded : nil,
            attempts: step.attempts.map {
                AttemptDescription(attempt: $0.attempt, start: $0.startedAt, end: $0.endedAt, success: $0.success, error: $0.error)
            },
            config: step.config.flatMap { try? JSONValue(encoding: $0) },
            finished: isDo ? nil : step.status.isFinished,
            eventType: step.eventType)
    }
}

extension WorkflowSummary {
    init(name: String, kind: String?, counts: [InstanceStatus: Int]) {
        var byStatus: [String: Int] = [:]
        for status in InstanceStatus.allCases where status != .unknown { byStatus[status.rawValue] = counts[status] ?? 0 }
        self.init(name: name, kind: kind, instances: byStatus)
    }
}
