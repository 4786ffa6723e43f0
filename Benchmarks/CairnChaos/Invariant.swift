/// One checked claim and what was found.
struct Invariant: Sendable {
    var name: String
    var passed: Bool
    var detail: String

    var line: String { "\(passed ? "PASS" : "FAIL") \(name): \(detail)" }
}
