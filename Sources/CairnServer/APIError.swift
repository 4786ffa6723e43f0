import CairnAPI
import CairnEngine
import Foundation
import Hummingbird

/// An error answered by the HTTP API as `{"error":{"code","message"}}` with its status code.
/// Engine errors are mapped here, at the edge, and nowhere else.
public struct APIError: HTTPResponseError, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    public init(_ error: EngineError) {
        let status: HTTPResponse.Status = switch error.code {
        case .workflowNotFound, .instanceNotFound: .notFound
        case .duplicateInstanceID, .instanceFinished, .invalidTransition, .duplicateWorkflow: .conflict
        case .invalidInput: .unprocessableContent
        case .payloadTooLarge: .contentTooLarge
        case .tooManyEvents: .tooManyRequests
        case .stopped, .storage: .serviceUnavailable
        default: .internalServerError
        }
        self.init(status, error.code.raw, error.message)
    }

    /// Maps any error thrown by a handler.
    public static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError: error
        case let error as EngineError: APIError(error)
        case let error as HTTPError:
            APIError(error.status, Self.code(for: error.status), error.body ?? error.status.reasonPhrase)
        case let error as any HTTPResponseError:
            APIError(error.status, Self.code(for: error.status), error.status.reasonPhrase)
        default:
            APIError(.internalServerError, "internal", "Internal error: \(error)")
        }
    }

    static func code(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: "bad_request"
        case 401: "unauthorized"
        case 404: "not_found"
        case 405: "method_not_allowed"
        case 409: "conflict"
        case 413: "payload_too_large"
        case 415: "unsupported_media_type"
        case 422: "invalid_input"
        case 503: "unavailable"
        default: "http_\(status.code)"
        }
    }

    public var headers: HTTPFields {
        var fields: HTTPFields = [.contentType: "application/json"]
        if status == .unauthorized { fields[.wwwAuthenticate] = "Bearer" }
        // The rest of an oversize body is not read: the connection ends with this answer.
        if status == .contentTooLarge { fields[.connection] = "close" }
        return fields
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = JSON.encode(ErrorBody(code: code, message: message))
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    public static func badRequest(_ message: String) -> APIError { APIError(.badRequest, "bad_request", message) }
}
