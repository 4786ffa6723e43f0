/// Every API error: `{"error": {"code": "...", "message": "..."}}`.
public struct ErrorBody: Codable, Sendable, Hashable {
    public struct Detail: Codable, Sendable, Hashable {
        /// Stable, machine-readable: `not_found`, `invalid_input`, `unauthorized`…
        public var code: String
        /// What failed and what to do.
        public var message: String
    }

    public var error: Detail

    public init(code: String, message: String) {
        error = Detail(code: code, message: message)
    }
}

/// `GET /healthz`.
public struct Health: Codable, Sendable, Hashable {
    public var status: String
    public init(status: String) { self.status = status }
}

/// `GET /readyz`: `ready` or `unavailable`, with what is wrong.
public struct Readiness: Codable, Sendable, Hashable {
    public var status: String
    public var detail: String
    public init(status: String, detail: String) {
        self.status = status
        self.detail = detail
    }
}
