import Cairn
import Foundation

/// A stock workflow for a `[[drops]]` entry: reads the dropped file at `path` in one step,
/// in 256 KiB blocks, and returns its name, size and line count — the smallest useful
/// target for "drop files to trigger processing".
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
            guard let handle = FileHandle(forReadingAtPath: params.path) else {
                throw NonRetryableError("Cannot read \(params.path): the file is gone or unreadable. Drop the file again.")
            }
            defer { try? handle.close() }
            var bytes = 0
            var lines = 0
            var last: UInt8?
            while let block = try handle.read(upToCount: 256 * 1024), !block.isEmpty {
                bytes += block.count
                lines += block.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
                last = block.last
            }
            // A last line without a newline still counts.
            if let last, last != UInt8(ascii: "\n") { lines += 1 }
            return Counted(name: params.name, bytes: bytes, lines: lines)
        }
    }
}
