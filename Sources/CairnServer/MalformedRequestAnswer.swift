import Hummingbird
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers a request the HTTP parser refuses (too many or too large headers, a malformed
/// request line) with the API's JSON error envelope and closes the connection. Hummingbird
/// would answer an empty `400` instead, which tells the sender nothing.
///
/// Header limits are Hummingbird's defaults: 80 KiB of headers, at most 1,000 of them.
final class MalformedRequestAnswer: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var answered = false
    /// Requests whose head went on to the application and whose response has not ended: an
    /// answer now could be read as theirs (a pipelining client), so the error is left to
    /// Hummingbird, which closes the connection after them.
    private var unanswered = 0

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) { unanswered += 1 }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { unanswered = max(0, unanswered - 1) }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError, unanswered == 0 else {
            context.fireErrorCaught(error)
            return
        }
        guard !answered else { return }
        answered = true
        // Bytes after a request that said `Connection: close` (a client that reused the
        // connection before it saw it close) are not a bad request: nothing of them was read.
        // A 400 would tell the sender its request was invalid when it was never processed;
        // closing lets it retry on a new connection, as HTTP clients do for a reused one.
        if case .closedConnection = parserError {
            context.close(promise: nil)
            return
        }
        let (status, code, message): (HTTPResponse.Status, String, String) = switch parserError {
        case .headerOverflow:
            (.init(code: 431), "headers_too_large",
             "The request headers are too large or too many (at most 80 KiB and 1,000 fields). Send fewer or shorter headers.")
        default:
            (.badRequest, "bad_request", "The request is not valid HTTP/1.1 (\(parserError)). Check the request line and headers.")
        }
        let body = ByteBuffer(string: "{\"error\":{\"code\":\"\(code)\",\"message\":\"\(Self.escaped(message))\"}}\n")
        let head = HTTPResponse(status: status, headerFields: [
            .contentType: "application/json; charset=utf-8", .contentLength: "\(body.readableBytes)", .connection: "close",
        ])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
