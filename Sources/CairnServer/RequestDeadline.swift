import Hummingbird
import NIOCore
import NIOHTTPTypes

/// Bounds how long one request may take to arrive, head and body together: a client that
/// trickles its body in (a byte every few seconds never trips the idle timeout) would
/// otherwise hold its connection for as long as its `Content-Length` lasts. The clock runs
/// while a request is awaited or arriving: from the connection's start, from each response's
/// end when nothing else is pending, and from each request head that arrives with no clock
/// running; it stops when the request's last byte arrives. When it runs out during a request
/// nobody has answered yet, that request gets `408` with the error envelope and the
/// connection closes; with no request begun (a head that never completes, a silent
/// keep-alive), the connection just closes.
final class RequestDeadline: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let limit: TimeAmount
    /// When the request now awaited or arriving must have arrived; `nil` while none is.
    private var deadline: NIODeadline?
    /// At most one timer per connection, rescheduled only when it fires early: a timer per
    /// request cost the busiest route a sixth of its throughput (W5-limit).
    private var timer: Scheduled<Void>?
    /// A request's head has arrived and its end has not.
    private var arriving = false
    /// Requests read in full and not yet answered.
    private var unanswered = 0
    /// A response has begun (it may answer before the body ends).
    private var responding = false
    private var expired = false

    init(limit: TimeAmount) {
        self.limit = limit
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        deadline = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !expired else { return }
        switch unwrapInboundIn(data) {
        case .head:
            arriving = true
            if deadline == nil { arm(context) }
        case .body:
            break
        case .end:
            arriving = false
            unanswered += 1
            deadline = nil
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
            responding = false
            unanswered = max(0, unanswered - 1)
            // Waiting for the next request (a silent keep-alive is usually the idle
            // timeout's first, which is shorter by default).
            if unanswered == 0, !arriving, deadline == nil { arm(context) }
        }
        context.write(data, promise: promise)
    }

    /// Starts the clock for the request now awaited.
    private func arm(_ context: ChannelHandlerContext) {
        let due = NIODeadline.now() + limit
        deadline = due
        if timer == nil { schedule(context, at: due) }
    }

    private func schedule(_ context: ChannelHandlerContext, at due: NIODeadline) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: due) {
            let (handler, context) = loopBound.value
            handler.fired(context)
        }
    }

    /// The timer went off: expire if the clock ran out, else wait for the clock's new end.
    private func fired(_ context: ChannelHandlerContext) {
        timer = nil
        guard let deadline else { return }
        if deadline > NIODeadline.now() {
            schedule(context, at: deadline)
        } else {
            expire(context)
        }
    }

    private func expire(_ context: ChannelHandlerContext) {
        deadline = nil
        guard !expired, context.channel.isActive else { return }
        expired = true
        guard arriving, !responding else {
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
