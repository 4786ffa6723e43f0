import Hummingbird
import NIOCore
import NIOHTTPTypes

/// Closes a connection after writing a response that says `Connection: close` (a `413`):
/// Hummingbird would otherwise keep the connection and read the rest of an oversize body,
/// however large or slow. The answer is flushed, then the write side is shut (the client
/// reads the whole answer and an end of stream), what still arrives is discarded, and the
/// socket is closed once the request ends or after a short grace. Closing at once would
/// make the kernel answer the unread bytes with a reset, which can destroy the `413` before
/// the client reads it.
final class CloseAfterResponse: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// How long a closing connection may keep sending before it is cut off.
    static let grace: TimeAmount = .seconds(2)

    private var closing = false
    private var answered = false

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head):
            if head.headerFields[.connection]?.lowercased() == "close" { closing = true }
            context.write(data, promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            guard closing else {
                context.write(data, promise: promise)
                return
            }
            let written = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(data, promise: written)
            written.futureResult.assumeIsolated().whenComplete { result in
                promise?.completeWith(result)
                self.answered = true
                context.close(mode: .output, promise: nil)
                context.eventLoop.assumeIsolated().scheduleTask(in: Self.grace) { context.close(promise: nil) }
            }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard closing else {
            context.fireChannelRead(data)
            return
        }
        // Not going to be answered: drop it, and close as soon as the client has sent it all.
        if case .end = unwrapInboundIn(data), answered {
            context.close(promise: nil)
        }
    }
}
