import Cairn
import Foundation
import TOMLKit

/// Reads one `[[pipelines.steps]]` table.
struct PipelineStepReader: ConfigEntryReader {
    let reader: ConfigReader
    let table: TOMLTable
    let path: String
    let pipeline: String
    private var name: String?

    init(reader: ConfigReader, table: TOMLTable, path: String, pipeline: String) {
        self.reader = reader
        self.table = table
        self.path = path
        self.pipeline = pipeline
    }

    var subject: String { "Pipeline \"\(pipeline)\"" + (name.map { ", step \"\($0)\"" } ?? "") }

    /// `text_file` and `html_file` in an action's arguments: the file (relative to the
    /// config's directory) is read now and becomes the `text` or `html` template, so a
    /// missing file is a load error, not a failed run.
    func templateFiles(in arguments: JSONValue) throws -> JSONValue {
        guard case .object(var members) = arguments else { return arguments }
        for (fileKey, key) in [("text_file", "text"), ("html_file", "html")] {
            guard let value = members.removeValue(forKey: fileKey) else { continue }
            guard let file = value.stringValue, !file.isEmpty, !file.contains("{{") else {
                throw error("with", "with.\(fileKey) must be a file path (no template), e.g. \(fileKey) = \"mail/welcome.\(key == "html" ? "html" : "txt")\".")
            }
            guard members[key] == nil else { throw error("with", "with has both \(key) and \(fileKey); give one.") }
            let base = reader.source.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path } ?? FileManager.default.currentDirectoryPath
            let path = file.hasPrefix("/") ? file : URL(fileURLWithPath: base).appendingPathComponent(file).standardized.path
            guard let data = FileManager.default.contents(atPath: path) else {
                throw error("with", "with.\(fileKey) \(path) cannot be read; paths are relative to the config file's directory (\(base)).")
            }
            guard let text = String(data: data, encoding: .utf8) else { throw error("with", "with.\(fileKey) \(path) is not UTF-8 text.") }
            members[key] = .string(text)
        }
        return .object(members)
    }

    mutating func read() throws -> PipelineDefinition.Step {
        try reader.keys(table, allowed: PipelineEntryReader.stepKeys, path: path)
        guard let name = try string("name", example: "\"fetch\"") else {
            throw error(nil, "has a step without a name. Add name = \"fetch\" (unique in the pipeline).")
        }
        do {
            try Identifier.validateStepName(name)
        } catch {
            throw self.error("name", "\(error)")
        }
        self.name = name
        let kinds = ["action", "sleep", "sleep_until", "wait_for_event"].filter { table[$0] != nil }
        guard kinds.count == 1 else {
            throw error(kinds.isEmpty ? nil : kinds[1], kinds.isEmpty
                ? "does nothing: give it one of action = \"http.fetch\", sleep = \"1 hour\", sleep_until = \"{{ params.at }}\" or wait_for_event = { type = \"activated\", timeout = \"7 days\" }."
                : "has both \(kinds[0]) and \(kinds[1]); a step does one thing. Split it into two steps.")
        }
        if table["with"] != nil, kinds[0] != "action" { throw error("with", "with applies only to action steps.") }
        for key in ["retries", "timeout"] where table[key] != nil && kinds[0] != "action" {
            throw error(key, "\(key) applies only to action steps; a \(kinds[0].replacingOccurrences(of: "_", with: " ")) step is not retried.")
        }
        let kind: PipelineDefinition.Step.Kind
        switch kinds[0] {
        case "action":
            let text = try string("action", example: "\"http.fetch\"") ?? ""
            let parts = text.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw error("action", "action = \"\(text)\" is not <plugin>.<action>, e.g. \"http.fetch\".")
            }
            var arguments = TemplateValue.literal(.object([:]))
            if let with = table["with"] {
                guard with.tomlValue.type == .table else { throw error("with", "with must be a table of arguments, e.g. with = { url = \"https://…\" }.") }
                var ignored: [String: Int] = [:]
                let json = try templateFiles(in: reader.optionValue(with, path: path, key: "with", option: "with", lines: &ignored).json)
                do {
                    arguments = try TemplateValue.parse(json, htmlKeys: ["html"])
                } catch {
                    throw self.error("with", error.at("with."))
                }
            }
            kind = .action(plugin: parts[0], action: parts[1], arguments: arguments)
        case "sleep":
            let text = try string("sleep", example: "\"1 hour\"") ?? ""
            guard let milliseconds = try? WorkflowDuration(parsing: text).milliseconds(), milliseconds >= 1000 else {
                throw error("sleep", "sleep = \"\(text)\" is not a duration of at least 1 second; write e.g. sleep = \"1 hour\".")
            }
            kind = .sleep(WorkflowDuration(stringLiteral: text))
        case "sleep_until":
            let text = try string("sleep_until", example: "\"{{ params.send_at }}\"") ?? ""
            let template: Template
            do {
                template = try Template.parse(text)
            } catch {
                throw self.error("sleep_until", error.at("sleep_until"))
            }
            if template.isLiteral, (try? Date(template.literalText, strategy: .iso8601)) == nil {
                throw self.error("sleep_until", "sleep_until = \"\(text)\" is not an RFC 3339 time such as \"2026-12-24T09:00:00Z\" (or a template giving one).")
            }
            kind = .sleepUntil(template)
        default:
            kind = try readWait()
        }
        var config = StepConfig()
        if let retries = table["retries"] {
            guard retries.tomlValue.type == .table, let retryTable = retries.table else {
                throw error("retries", "retries must be a table, e.g. retries = { limit = 3, delay = \"10 seconds\", backoff = \"exponential\" }.")
            }
            try reader.keys(retryTable, allowed: ["limit", "delay", "backoff"], path: "\(path).retries")
            if let limit = retryTable["limit"] {
                guard let number = limit.int, (0...RetryPolicy.maxLimit).contains(number) else { throw error("retries", "retries.limit must be a whole number from 0 to \(RetryPolicy.maxLimit).") }
                config.retries.limit = number
            }
            if let delay = retryTable["delay"] {
                guard let text = delay.string, (try? WorkflowDuration(parsing: text).milliseconds()) != nil else { throw error("retries", "retries.delay must be a duration such as \"10 seconds\".") }
                config.retries.delay = WorkflowDuration(stringLiteral: text)
            }
            if let backoff = retryTable["backoff"] {
                guard let text = backoff.string, let chosen = Backoff(rawValue: text) else { throw error("retries", "retries.backoff must be \"constant\", \"linear\" or \"exponential\".") }
                config.retries.backoff = chosen
            }
        }
        if let timeout = try duration("timeout", example: "\"30 seconds\"") {
            config.timeout = WorkflowDuration(milliseconds: timeout)
        }
        var when: Template?
        if let text = try string("when", example: "\"{{ steps.activation.timed_out }}\"") {
            do {
                when = try Template.parse(text)
            } catch {
                throw self.error("when", error.at("when"))
            }
        }
        return PipelineDefinition.Step(name: name, kind: kind, config: config, when: when, continueOnError: try bool("continue_on_error") ?? false,
                                       line: reader.lines.line(of: "\(path).name"))
    }

    /// `wait_for_event = { type, timeout, on_timeout = "fail" | "continue" }`.
    private func readWait() throws -> PipelineDefinition.Step.Kind {
        guard let value = table["wait_for_event"], value.tomlValue.type == .table, let wait = value.table else {
            throw error("wait_for_event", "wait_for_event must be a table, e.g. wait_for_event = { type = \"activated\", timeout = \"7 days\", on_timeout = \"continue\" }.")
        }
        try reader.keys(wait, allowed: ["type", "timeout", "on_timeout"], path: "\(path).wait_for_event")
        guard let type = wait["type"]?.string, (try? Identifier.validateEventType(type)) != nil else {
            throw error("wait_for_event", "wait_for_event.type must be an event type such as \"activated\" (letters, digits, - _ .).")
        }
        let timeoutText = wait["timeout"]?.string ?? "24 hours"
        guard let milliseconds = try? WorkflowDuration(parsing: timeoutText).milliseconds(), (1000...365 * 86_400_000).contains(milliseconds) else {
            throw error("wait_for_event", "wait_for_event.timeout = \"\(timeoutText)\" must be a duration from 1 second to 365 days.")
        }
        let onTimeout = wait["on_timeout"]?.string ?? "fail"
        guard ["fail", "continue"].contains(onTimeout) else {
            throw error("wait_for_event", "wait_for_event.on_timeout = \"\(onTimeout)\" must be \"fail\" (the default) or \"continue\".")
        }
        return .waitForEvent(type: type, timeout: WorkflowDuration(stringLiteral: timeoutText), continueOnTimeout: onTimeout == "continue")
    }
}
