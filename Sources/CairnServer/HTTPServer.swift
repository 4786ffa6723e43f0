import CairnAPI
import CairnEngine
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Builds the appliance's HTTP server: `/healthz`, `/readyz` and `/metrics` without a token,
/// and the management API under `/workflows` behind the bearer token.
public enum HTTPServer {
    public struct Settings: Sendable {
        public var host: String
        public var port: Int
        /// Largest request body accepted (the body is refused before it is read in full).
        public var maxBodyBytes: Int
        public var token: String
        /// How long a connection may stay silent (an unfinished request, an idle keep-alive)
        /// before the server closes it, so slow or stuck clients cannot hold connections.
        public var idleTimeout: Duration
        /// How long one request may take to arrive, head and body together, so a client
        /// that trickles its body in cannot hold a connection for as long as it likes.
        public var requestTimeout: Duration

        public init(host: String = "127.0.0.1", port: Int = 8787, maxBodyBytes: Int = 1 << 20, token: String,
                    idleTimeout: Duration = .seconds(30), requestTimeout: Duration = .seconds(60)) {
            self.host = host
            self.port = port
            self.maxBodyBytes = maxBodyBytes
            self.token = token
            self.idleTimeout = idleTimeout
            self.requestTimeout = requestTimeout
        }
    }

    /// Whether the appliance can take work; the message says what is wrong when not.
    public typealias Readiness = @Sendable () async -> (ready: Bool, detail: String)

    /// The server as a `Service` for the appliance's `ServiceGroup`.
    ///
    /// - Parameters:
    ///   - readiness: checked on every `/readyz`.
    ///   - metrics: renders the Prometheus text exposition for `/metrics`.
    ///   - routes: routes added by features; authenticated ones need the bearer token.
    ///   - onRunning: called with the bound port once the server listens (useful with port 0).
    public static func make(
        settings: Settings,
        engine: Engine,
        readiness: @escaping Readiness,
        metrics: @escaping @Sendable () async -> String,
        routes: [RouteRegistration] = [],
        logger: Logger,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some Service {
        let router = Router(context: CairnRequestContext.self)
        router.middlewares.add(ErrorMapping())
        router.get("healthz") { _, _ in JSON.response(Health(status: "ok")) }
        router.get("readyz") { _, _ in
            let (ready, detail) = await readiness()
            return JSON.response(CairnAPI.Readiness(status: ready ? "ready" : "unavailable", detail: detail),
                                 status: ready ? .ok : .serviceUnavailable)
        }
        router.get("metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: await metrics())))
        }
        let api = ManagementAPI(engine: engine, body: RequestBody(limit: settings.maxBodyBytes))
        let authenticated = router.group().add(middleware: BearerAuth(token: settings.token))
        api.addRoutes(to: authenticated)
        for registration in routes {
            registration.add(registration.authenticated ? authenticated : router.group(), engine)
        }
        let host = settings.host
        func amount(_ duration: Duration) -> TimeAmount {
            let (seconds, attoseconds) = duration.components
            return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        }
        let requestTimeout = amount(settings.requestTimeout)
        return Application(
            router: router,
            server: .http1(configuration: .init(additionalChannelHandlers: [MalformedRequestAnswer(), CloseAfterResponse(), RequestDeadline(limit: requestTimeout)],
                                                idleTimeout: amount(settings.idleTimeout))),
            configuration: .init(address: .hostname(host, port: settings.port), serverName: "cairn"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? settings.port
                logger.info("listening", metadata: ["url": "http://\(host):\(port)", "port": "\(port)"])
                await onRunning(port)
            },
            logger: logger
        )
    }
}
