import CairnAPI
import Foundation

/// The readable view of `GET …/instances/{id}`: a header, then one block per step (type,
/// name-count, status, start, end, duration, wake time, output) with its attempts.
enum DescribeRenderer {
    static func render(_ instance: InstanceDescription) {
        let summary = instance.summary
        var header: [[String]] = [
            ["Workflow", summary.workflow],
            ["Instance", summary.id],
            ["Status", Output.status(summary)],
            ["Trigger", summary.triggerSource],
            ["Queued", Output.time(summary.createdOn)],
            ["Start", Output.time(summary.startedOn)],
            ["End", Output.time(summary.endedOn)],
            ["Duration", Output.duration(from: summary.startedOn ?? summary.createdOn, to: summary.endedOn)],
        ]
        if let wake = summary.wakeAt { header.append(["Wakes at", Output.time(wake)]) }
        header.append(["Params", Output.summary(instance.params, limit: 200)])
        if let error = instance.error { header.append(["Error", Output.error(error)]) }
        if let output = instance.output, output != .null { header.append(["Output", Output.summary(output, limit: 200)]) }
        Output.table(header.map { [$0[0] + ":", $0[1]] })
        let steps = instance.steps
        print("\nSteps (\(steps.count)):")
        if steps.isEmpty { print("  (none yet)") }
        var rows = [["TYPE", "NAME", "STATUS", "START", "END", "DURATION", "ATTEMPTS", "WAKE AT", "OUTPUT"]]
        for step in steps {
            rows.append([
                step.type, step.name, step.status,
                Output.time(step.start), Output.time(step.end), Output.duration(from: step.start, to: step.end),
                step.type == "step" ? "\(step.attempts.count)" : "-", Output.time(step.wakeAt),
                step.error.map { "error: " + Output.error($0) } ?? Output.summary(step.output),
            ])
        }
        if !steps.isEmpty { Output.table(rows, indent: "  ") }
        for step in steps where step.attempts.contains(where: { $0.success != true }) {
            print("\n  Attempts of \(step.name):")
            var table = [["#", "START", "END", "DURATION", "STATE", "ERROR"]]
            for attempt in step.attempts {
                let state = switch attempt.success { case true?: "success"; case false?: "error"; default: "working" }
                table.append(["\(attempt.attempt)", Output.time(attempt.start), Output.time(attempt.end),
                              Output.duration(from: attempt.start, to: attempt.end), state,
                              attempt.error.map(Output.error) ?? "-"])
            }
            Output.table(table, indent: "    ")
        }
    }
}
