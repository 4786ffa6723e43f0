/// How a `step.do` retries and how long each attempt may take.
///
/// Defaults (as Cloudflare Workflows in production): 5 retries (6 attempts), 10 seconds,
/// exponential back-off, 10 minutes per attempt. Partial configs keep the other defaults.
public struct StepConfig: Sendable, Hashable, Codable {
    public var retries: RetryPolicy
    /// How long one attempt may run before it fails with `WorkflowTimeoutError`.
    public var timeout: WorkflowDuration

    public init(retries: RetryPolicy = .init(), timeout: WorkflowDuration = .minutes(10)) {
        self.retries = retries
        self.timeout = timeout
    }

    public static let `default` = StepConfig()

    /// Checks limits and durations; throws a ``WorkflowError`` naming the bad field.
    public func validate(step: String) throws {
        guard (0...RetryPolicy.maxLimit).contains(retries.limit) else {
            throw WorkflowError(.invalidStepConfig, "Step '\(step)': retries.limit is \(retries.limit); use 0 to \(RetryPolicy.maxLimit) (it counts retries, not attempts).")
        }
        let delay = try retries.delay.milliseconds()
        guard delay >= 0 else {
            throw WorkflowError(.invalidStepConfig, "Step '\(step)': retries.delay must not be negative.")
        }
        let timeout = try timeout.milliseconds()
        guard timeout > 0 else {
            throw WorkflowError(.invalidStepConfig, "Step '\(step)': timeout must be longer than zero.")
        }
    }
}

/// The retry part of ``StepConfig``.
public struct RetryPolicy: Sendable, Hashable, Codable {
    /// Production's cap on retries per step.
    public static let maxLimit = 10_000

    /// Number of retries after the first attempt; `0` means exactly one attempt.
    public var limit: Int
    /// The base delay before a retry.
    public var delay: WorkflowDuration
    /// How the delay grows with each failed attempt.
    public var backoff: Backoff

    public init(limit: Int = 5, delay: WorkflowDuration = .seconds(10), backoff: Backoff = .exponential) {
        self.limit = limit
        self.delay = delay
        self.backoff = backoff
    }

    /// The wait before the next attempt, after `failedAttempts` (≥ 1) attempts have failed.
    ///
    /// constant: `delay`; linear: `delay × n`; exponential: `delay × 2^(n−1)`; no jitter, no cap.
    public func delayMilliseconds(afterFailedAttempts failedAttempts: Int) throws -> Int64 {
        let base = try delay.milliseconds()
        let n = Int64(max(1, failedAttempts))
        switch backoff {
        case .constant:
            return base
        case .linear:
            return base.multipliedReportingOverflow(by: n).overflow ? Int64.max / 4 : base * n
        case .exponential:
            let shift = min(n - 1, 62)
            let factor: Int64 = 1 << shift
            let (product, overflow) = base.multipliedReportingOverflow(by: factor)
            return overflow ? Int64.max / 4 : product
        }
    }
}

/// Back-off shapes for retries.
public enum Backoff: String, Sendable, Hashable, Codable {
    case constant
    case linear
    case exponential
}
