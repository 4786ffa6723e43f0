import Cairn
import Foundation

/// A stock workflow for a `[[drops]]` entry: reads the dropped file at `path` in one step
/// and returns its name, size and line count — the smallest useful target for "drop files
/// to trigger processing".
struct CountLines: Workflow {
    struct Params: Codable, Sendable {
        var path: String
        var name: String
    }

    struct Counted: Codable, Sendable {
        var name: String
        var bytes: Int
        var lines: Int
    }

    func run(event: WorkflowEvent<Params>, step: WorkflowStep) async throws -> Counted {
        let params = event.payload
        return try await step.do("count lines") { _ in
            guard let data = FileManager.default.contents(atPath: params.path) else {
                throw NonRetryableError("Cannot read \(params.path); the file is gone or unreadable.")
            }
            let lines = data.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) } + (data.last.map { $0 == UInt8(ascii: "\n") ? 0 : 1 } ?? 0)
            return Counted(name: params.name, bytes: data.count, lines: lines)
        }
    }
}
