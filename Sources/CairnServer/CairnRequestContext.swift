import Hummingbird
import NIOCore

/// The request context of every Cairn route: Hummingbird's core context plus the peer's
/// address, which the webhook ingress needs to rate-limit deliveries that fail verification.
public struct CairnRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection's remote address (`nil` if the channel has none).
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The peer's IP address as text, or `unknown`.
    public var peer: String { remoteAddress?.ipAddress ?? "unknown" }
}
