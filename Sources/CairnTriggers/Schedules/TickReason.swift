/// Why a tick did not fire: a stable code (`paused`, `overlap`, `catch_up_window` …, also the
/// metrics label) and a sentence.
struct TickReason: Sendable, Hashable {
    var code: String
    var detail: String

    init(_ code: String, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    /// As stored in the ledger: `code: detail`.
    var text: String { "\(code): \(detail)" }
}
