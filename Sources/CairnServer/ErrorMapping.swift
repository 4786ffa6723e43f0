import Hummingbird
import Logging

/// Turns every error a handler throws (engine errors, Hummingbird's own 404s, oversize
/// bodies) into the JSON error envelope with its status code, and logs server faults.
struct ErrorMapping: RouterMiddleware {
    typealias Context = CairnRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let mapped = APIError.from(error)
            if mapped.status.code >= 500 {
                context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(mapped)"])
            }
            return try mapped.response(from: request, context: context)
        }
    }
}
