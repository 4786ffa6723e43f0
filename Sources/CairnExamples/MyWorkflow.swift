import Cairn
import CairnHTTP
import Foundation

/// The seed guide's example: fetch a list of IP ranges, sleep, then count them in a step
/// with 3 linear retries.
public struct MyWorkflow: Workflow {
    public struct Params: Codable, Sendable {
        public var name: String?
        public init(name: String? = nil) { self.name = name }
    }

    public struct Output: Codable, Sendable, Equatable {
        public var name: String
        public var ipCount: Int
    }

    /// Cloudflare's `/client/v4/ips` response shape.
    public struct IPResponse: Codable, Sendable {
        public struct Result: Codable, Sendable {
            public var ipv4_cidrs: [String]
        }
        public var result: Result
    }

    public let source: URL
    public let pause: WorkflowDuration
    public let fetch: @Sendable (URL) async throws -> Data

    public init(source: URL, pause: WorkflowDuration = "20 seconds", fetch: @escaping @Sendable (URL) async throws -> Data = Fetch.data(from:)) {
        self.source = source
        self.pause = pause
        self.fetch = fetch
    }

    public func run(event: WorkflowEvent<Params>, step: WorkflowStep) async throws -> Output {
        let data = try await step.do("fetch data") { _ in
            try JSONDecoder().decode(IPResponse.self, from: try await fetch(source))
        }
        try await step.sleep("pause", pause)
        return try await step.do("process data", config: StepConfig(retries: RetryPolicy(limit: 3, delay: "5 seconds", backoff: .linear))) { _ in
            Output(name: event.payload.name ?? "world", ipCount: data.result.ipv4_cidrs.count)
        }
    }
}

/// Fetching for the example: `http(s)://` through the HTTP plugin (429/5xx retryable with
/// `Retry-After`, other 4xx final, a 10 MiB cap), `file://` from disk (offline).
public enum Fetch {
    @Sendable
    public static func data(from url: URL) async throws -> Data {
        if url.isFileURL { return try Data(contentsOf: url) }
        return try await HTTP.fetch(HTTP.Request(url: url)).body
    }
}
