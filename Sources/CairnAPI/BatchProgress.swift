import Cairn

/// How far a compound action that works in batches has got (an index rebuild, a document
/// being indexed), read off its steps' names: `<step>: batch 3 of 40`.
public enum BatchProgress {
    /// Batches done and in all; `nil` when no step is a batch. The API shows a step's name
    /// with its count (`… of 40-1`), so only the digits after "of" count.
    public static func of(_ steps: [StepDescription]) -> (done: Int, total: Int)? {
        var total: Int?
        var done = 0
        for step in steps {
            guard let range = step.name.range(of: ": batch "), let ofRange = step.name.range(of: " of ", range: range.upperBound..<step.name.endIndex),
                  let count = Int(step.name[ofRange.upperBound...].prefix(while: \.isNumber)) else { continue }
            total = count
            if step.status == StepStatus.succeeded.rawValue { done += 1 }
        }
        return total.map { (done, $0) }
    }
}
