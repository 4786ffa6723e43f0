import Cairn
import CairnEngine
import CairnStore
import Foundation
import Logging
import ServiceLifecycle

/// Receives webhook deliveries: verifies them (before anything of the body is parsed),
/// recognises repeats by the sender's delivery ID, and runs the hook's action — a new
/// instance, or an event to a waiting one — committing the delivery record in the same
/// transaction, so a `202` means both are durable and a repeat creates nothing.
///
/// As a `Service` it only purges deliveries older than the retention; deliveries arrive
/// through ``receive(_:request:contentType:remote:)`` from the HTTP layer.
///
/// ```swift
/// let hooks = HookService(definitions: config.hooks, engine: engine, store: store, logger: logger)
/// let answer = await hooks.receive("github", request: request, contentType: "application/json", remote: "203.0.113.9")
/// ```
public final class HookService: Service, Sendable {
    /// The deliveries table; add it to the store's migrations.
    public static let migrations = HookLedger.migrations

    let hooks: [String: HookDefinition]
    /// Each hook's ``HookDefinition/storedHeaders``, worked out once rather than per delivery,
    /// sorted (as the stored JSON lists them, so writing it needs no sort).
    let keptHeaders: [String: [String]]
    let engine: Engine
    let store: any WorkflowStore
    let logger: Logger
    let clock: any EngineClock
    let retention: Duration
    let limiter: FailureLimiter

    /// - Parameters:
    ///   - retention: how long deliveries (and dead letters) are kept; 7 days by default.
    ///   - failureBurst: refused deliveries per remote address and minute before 429.
    public init(definitions: [HookDefinition], engine: Engine, store: any WorkflowStore, logger: Logger,
                retention: Duration = .seconds(7 * 86_400), failureBurst: Int = 20) {
        hooks = Dictionary(definitions.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        keptHeaders = hooks.mapValues { $0.storedHeaders.sorted() }
        self.engine = engine
        self.store = store
        self.logger = logger
        self.clock = engine.clock
        self.retention = retention
        limiter = FailureLimiter(burstPerMinute: failureBurst)
    }

    /// The current time on the engine's clock: a delivery's receive time, against which its
    /// timestamp is checked.
    public func now() -> Date { clock.now() }

    /// The configured hooks, by name.
    public var definitions: [HookDefinition] { hooks.values.sorted { $0.name < $1.name } }

    /// The largest body `POST /hooks/{name}` reads for `name` (the HTTP layer refuses more
    /// with 413 before anything is hashed); `nil` for an unknown hook.
    public func maxBodyBytes(_ name: String) -> Int? { hooks[name]?.maxBodyBytes }

    /// Purges old deliveries every hour until shutdown.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let cutoff = self.clock.now().addingTimeInterval(-Double(self.retention.components.seconds))
                do {
                    // In batches, so a busy hook's backlog never holds the writer for long,
                    // until none is left.
                    var total = 0
                    while !Task.isCancelled {
                        let purged = try await self.store.transaction { tx in try HookLedger.purge(before: cutoff, tx) }
                        total += purged
                        if purged < HookLedger.purgeBatch { break }
                    }
                    if total > 0 { self.logger.info("purged old webhook deliveries", metadata: ["count": "\(total)"]) }
                } catch {
                    self.logger.error("cannot purge old webhook deliveries; retrying in an hour", metadata: ["error": "\(error)"])
                }
                try? await self.clock.sleep(until: self.clock.now().addingTimeInterval(3600))
            }
        }
    }

    /// Handles one delivery to hook `name`.
    public func receive(_ name: String, request: WebhookRequest, contentType: String?, remote: String) async -> HookAnswer {
        let now = clock.now()
        guard let hook = hooks[name] else {
            // No list of the configured hooks for an unauthenticated caller; counts as a
            // failure, and a limited address cannot probe for names either.
            if limiter.isLimited(remote, now: now) {
                return .error(429, "too_many_failures", "Too many deliveries from this address failed verification in the last minute. Check the signing secret, then retry after a minute.")
            }
            limiter.fail(remote, now: now)
            return .error(404, "not_found", "No such hook. Check the URL against cairn hooks list.")
        }
        let verified: VerifiedDelivery
        do {
            verified = try hook.verifier.verify(request)
        } catch {
            // Only refused deliveries are limited: a verified one always gets through, so
            // forgeries from the address a proxy shares cannot block the real sender.
            let limited = limiter.isLimited(remote, now: now)
            limiter.fail(remote, now: now)
            logger.notice("webhook refused", metadata: ["hook": "\(name)", "remote": "\(remote)", "reason": "\(error)"])
            if limited {
                return .error(429, "too_many_failures", "Too many deliveries from this address failed verification in the last minute. Check the signing secret, then retry after a minute.")
            }
            // The answer does not say which check failed; the log does.
            return .error(401, "unauthorized", "The delivery could not be verified.")
        }
        if hook.verifier.scheme == .slack, let handshake = Self.slackHandshake(request.body) {
            return handshake
        }
        let body: HookPayload
        do {
            body = try HookPayload(body: request.body, contentType: contentType)
        } catch {
            logger.notice("webhook body refused", metadata: ["hook": "\(name)", "remote": "\(remote)", "reason": "\(error.message)"])
            return .error(400, "bad_request", error.message)
        }
        return await act(hook, verified: verified, request: request, body: body, replayOf: nil)
    }

    /// The answer to Slack's `url_verification` handshake (a verified JSON object of that
    /// type, whatever its declared content type), which creates nothing; `nil` for any other
    /// delivery.
    static func slackHandshake(_ body: Data) -> HookAnswer? {
        guard body.first == UInt8(ascii: "{"), let json = try? JSONValue(json: body),
              json["type"]?.stringValue == "url_verification" else { return nil }
        guard let challenge = json["challenge"]?.stringValue, !challenge.isEmpty else {
            return .error(400, "bad_request", "The url_verification request has no challenge to answer.")
        }
        return .json(200, [("challenge", challenge)])
    }
}
