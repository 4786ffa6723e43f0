import CairnEngine
import Hummingbird

/// Routes a feature adds to the appliance's HTTP server, e.g. a status page or a webhook.
/// Authenticated routes sit behind the management API's bearer token and error mapping;
/// public ones only behind the error mapping (they must check requests themselves).
///
/// ```swift
/// RouteRegistration(authenticated: true) { routes, engine in
///     routes.get("reports/latest") { _, _ in try engine.instance("ip-report", id: "latest").status.rawValue }
/// }
/// ```
public struct RouteRegistration: Sendable {
    public typealias Add = @Sendable (_ routes: RouterGroup<CairnRequestContext>, _ engine: Engine) -> Void

    public var authenticated: Bool
    public var add: Add

    public init(authenticated: Bool = true, _ add: @escaping Add) {
        self.authenticated = authenticated
        self.add = add
    }
}
