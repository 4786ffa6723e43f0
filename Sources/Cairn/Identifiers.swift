/// Name and identifier rules shared by the SDK, the engine and the API.
///
/// Instance IDs, workflow names and event types follow Cloudflare's rules: letters, digits,
/// `-` and `_`, not starting with `-`.
public enum Identifier {
    /// Maximum length of an instance ID.
    public static let maxInstanceIDLength = 100
    /// Maximum length of a workflow name.
    public static let maxWorkflowNameLength = 64
    /// Maximum length of an event type.
    public static let maxEventTypeLength = 100
    /// Maximum length of a step name.
    public static let maxStepNameLength = 256

    static func matchesPattern(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first else { return false }
        func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_": true
            default: false
            }
        }
        guard isWordScalar(first) else { return false }
        return text.unicodeScalars.allSatisfy { isWordScalar($0) || $0 == "-" }
    }

    static func check(_ text: String, kind: String, max: Int, code: WorkflowError.Code) throws {
        guard !text.isEmpty else {
            throw WorkflowError(code, "The \(kind) is empty. Use 1 to \(max) letters, digits, '-' or '_'.")
        }
        guard text.count <= max else {
            throw WorkflowError(code, "The \(kind) '\(text.prefix(40))…' is \(text.count) characters long; the limit is \(max).")
        }
        guard matchesPattern(text) else {
            throw WorkflowError(code, "The \(kind) '\(text)' may contain only letters, digits, '-' and '_', and must not start with '-'.")
        }
    }

    /// The ID that addresses a workflow's newest instance (`…/instances/latest`), so no
    /// instance may have it.
    public static let latestInstanceAlias = "latest"

    /// Validates a user-supplied instance ID (1–100 characters, `^[a-zA-Z0-9_][a-zA-Z0-9-_]*$`,
    /// not `latest`).
    public static func validateInstanceID(_ id: String) throws {
        try check(id, kind: "instance ID", max: maxInstanceIDLength, code: .invalidInstanceID)
        guard id != latestInstanceAlias else {
            throw WorkflowError(.invalidInstanceID, "The instance ID 'latest' is reserved: '…/instances/latest' names the newest instance of a workflow. Choose another ID.")
        }
    }

    /// Validates a workflow name (1–64 characters, same pattern).
    public static func validateWorkflowName(_ name: String) throws {
        try check(name, kind: "workflow name", max: maxWorkflowNameLength, code: .invalidWorkflowName)
    }

    /// Validates an event type (1–100 characters, same pattern).
    public static func validateEventType(_ type: String) throws {
        try check(type, kind: "event type", max: maxEventTypeLength, code: .invalidEventType)
    }

    /// Validates a step name: 1–256 characters, no control characters.
    public static func validateStepName(_ name: String) throws {
        guard !name.isEmpty else {
            throw WorkflowError(.invalidStepName, "A step name is empty. Give every step a short, stable name.")
        }
        guard name.count <= maxStepNameLength else {
            throw WorkflowError(.invalidStepName, "The step name '\(name.prefix(40))…' is \(name.count) characters long; the limit is \(maxStepNameLength).")
        }
        if let bad = name.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw WorkflowError(.invalidStepName, "The step name '\(name.debugDescription)' contains the control character U+\(String(bad.value, radix: 16, uppercase: true)); step names must be printable.")
        }
    }
}
