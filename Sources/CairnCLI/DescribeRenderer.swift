import Foundation

/// The readable view of `GET …/instances/{id}`: a header, then one block per step (type,
/// name-count, status, start, end, duration, wake time, output) with its attempts.
enum DescribeRenderer {
    static func render(_ instance: [String: Any]) {
        var header: [[String]] = [
            ["Workflow", instance["workflow"] as? String ?? "?"],
            ["Instance", instance["id"] as? String ?? "?"],
            ["Status", InstancesCommand.Describe.statusLabel(instance)],
            ["Trigger", instance["trigger_source"] as? String ?? "-"],
            ["Queued", Output.time(instance["created_on"])],
            ["Start", Output.time(instance["started_on"])],
            ["End", Output.time(instance["ended_on"])],
            ["Duration", Output.duration(from: instance["started_on"] ?? instance["created_on"], to: instance["ended_on"])],
        ]
        if let wake = instance["wake_at"] as? String { header.append(["Wakes at", Output.time(wake)]) }
        header.append(["Params", Output.summary(instance["params"], limit: 200)])
        if let error = instance["error"] as? [String: Any] { header.append(["Error", errorText(error)]) }
        if let output = instance["output"], !(output is NSNull) { header.append(["Output", Output.summary(output, limit: 200)]) }
        Output.table(header.map { [$0[0] + ":", $0[1]] })
        let steps = instance["steps"] as? [[String: Any]] ?? []
        print("\nSteps (\(steps.count)):")
        if steps.isEmpty { print("  (none yet)") }
        var rows = [["TYPE", "NAME", "STATUS", "START", "END", "DURATION", "ATTEMPTS", "WAKE AT", "OUTPUT"]]
        for step in steps {
            let attempts = step["attempts"] as? [[String: Any]]
            rows.append([
                step["type"] as? String ?? "?", step["name"] as? String ?? "?", step["status"] as? String ?? "?",
                Output.time(step["start"]), Output.time(step["end"]), Output.duration(from: step["start"], to: step["end"]),
                attempts.map { "\($0.count)" } ?? "-", Output.time(step["wake_at"]),
                step["error"] is [String: Any] ? "error: " + errorText(step["error"] as? [String: Any] ?? [:]) : Output.summary(step["output"]),
            ])
        }
        if !steps.isEmpty { Output.table(rows, indent: "  ") }
        for step in steps {
            guard let attempts = step["attempts"] as? [[String: Any]], attempts.contains(where: { $0["success"] as? Bool != true }) else { continue }
            print("\n  Attempts of \(step["name"] as? String ?? "?"):")
            var table = [["#", "START", "END", "DURATION", "STATE", "ERROR"]]
            for attempt in attempts {
                let state = switch attempt["success"] as? Bool { case true?: "success"; case false?: "error"; default: "working" }
                table.append(["\(attempt["attempt"] as? Int ?? 0)", Output.time(attempt["start"]), Output.time(attempt["end"]),
                              Output.duration(from: attempt["start"], to: attempt["end"]), state,
                              (attempt["error"] as? [String: Any]).map(errorText) ?? "-"])
            }
            Output.table(table, indent: "    ")
        }
    }

    static func errorText(_ error: [String: Any]) -> String {
        "\(error["name"] as? String ?? "Error"): \(error["message"] as? String ?? "")"
    }
}
