import Hummingbird
import NIOCore
import NIOHTTPTypes

/// Bounds how long one request may take to arrive, head and body together: a client that
/// trickles its body in (a byte every few seconds never trips the idle timeout) would
/// otherwise hold its connection for as long as its `Content-Length` lasts. The clock starts
/// when the connection opens and again after each response; it stops when the request's
/// last byte arrives. When it runs out, a request nobody has answered yet gets `408` with the
/// error envelope and the connection closes (one already being answered is just closed).
final class RequestDeadline: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let limit: TimeAmount
    private var timer: Scheduled<Void>?
    /// A response has begun for the request now arriving (it may answer before the body ends).
    private var responding = false
    private var expired = false

    init(limit: TimeAmount) {
        self.limit = limit
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !expired else { return }
        if case .end = unwrapInboundIn(data) {
            timer?.cancel()
            timer = nil
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head:
            responding = true
        case .body:
            break
        case .end:
            // The next request's time starts now (a keep-alive connection that stays silent
            // is the idle timeout's, which is shorter by default).
            responding = false
            start(context)
        }
        context.write(data, promise: promise)
    }

    private func start(_ context: ChannelHandlerContext) {
        timer?.cancel()
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: limit) {
            let (handler, context) = loopBound.value
            handler.expire(context)
        }
    }

    private func expire(_ context: ChannelHandlerContext) {
        timer = nil
        guard !expired, context.channel.isActive else { return }
        expired = true
        guard !responding else {
            context.close(promise: nil)
            return
        }
        let seconds = limit.nanoseconds / 1_000_000_000
        let body = ByteBuffer(string: "{\"error\":{\"code\":\"request_timeout\",\"message\":\"The request did not arrive within \(seconds) seconds (server.request_timeout). Send the whole request, head and body, without pausing.\"}}\n")
        let head = HTTPResponse(status: .requestTimeout, headerFields: [
            .contentType: "application/json; charset=utf-8", .contentLength: "\(body.readableBytes)", .connection: "close",
        ])
        // `Connection: close` makes `CloseAfterResponse` (ahead in the pipeline) shut the write
        // side, discard what still arrives and then close: closing here at once would let
        // the kernel answer the client's next bytes with a reset that can destroy the 408.
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
