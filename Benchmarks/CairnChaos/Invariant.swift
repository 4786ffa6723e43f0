/// One checked claim and what was found.
struct Invariant: Sendable {
    var name: String
    var passed: Bool
    var detail: String
    /// Not checked on this machine (e.g. no tmpfs could be mounted): neither passed nor failed.
    var skipped = false

    static func skip(_ name: String, because reason: String) -> Invariant {
        Invariant(name: name, passed: true, detail: "skipped: \(reason)", skipped: true)
    }

    var line: String { "\(skipped ? "SKIP" : passed ? "PASS" : "FAIL") \(name): \(detail)" }
}
