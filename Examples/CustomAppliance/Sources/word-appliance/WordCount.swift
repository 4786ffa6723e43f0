import Cairn
import CairnApp

/// Counts the words of a text that are at least `minLength` characters long, pausing
/// between the two steps (a durable sleep: a restart in between resumes, not restarts).
struct WordCount: Workflow {
    struct Params: Codable, Sendable {
        var text: String
    }

    struct Output: Codable, Sendable {
        var words: Int
        var longest: String
    }

    var minLength = 1
    var pause: WorkflowDuration = "1 second"

    func run(event: WorkflowEvent<Params>, step: WorkflowStep) async throws -> Output {
        let words = try await step.do("split") { _ in
            event.payload.text.split(whereSeparator: { !$0.isLetter }).map(String.init).filter { $0.count >= minLength }
        }
        try await step.sleep("pause", pause)
        return try await step.do("count") { _ in
            Output(words: words.count, longest: words.max { $0.count < $1.count } ?? "")
        }
    }

    /// Registers `word-count` in code, and the `word-count` type for `[[workflows]]` entries
    /// of the config (options: `min_length`, `pause`).
    static func configure(_ app: inout Appliance) throws {
        try app.workflows.register(WordCount(), as: "word-count")
        try app.workflows.add("word-count", summary: "Counts the words of params.text at least min_length long.") { options in
            let minLength = try options.int("min_length", default: 1, range: 1...100)
            let pause = try options.duration("pause", default: "1 second")
            return AnyWorkflow(WordCount(minLength: minLength, pause: pause))
        }
    }
}
