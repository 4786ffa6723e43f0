import Foundation
import Hummingbird

/// Requires `Authorization: Bearer <token>` on every request that reaches it. Tokens are
/// compared in constant time (every byte, whatever the first difference), and a refusal
/// never echoes what was sent.
struct BearerAuth: RouterMiddleware {
    typealias Context = CairnRequestContext
    let token: [UInt8]

    init(token: String) {
        self.token = Array(token.utf8)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw APIError(.unauthorized, "unauthorized", "Missing 'Authorization: Bearer <token>'. The token is in the data directory (api-token) unless the config sets one; the cairn CLI reads it for you.")
        }
        let prefix = "bearer "
        guard header.count > prefix.count, header.prefix(prefix.count).lowercased() == prefix,
              Self.constantTimeEqual(Array(header.utf8.dropFirst(prefix.count)), token) else {
            throw APIError(.unauthorized, "unauthorized", "The bearer token is wrong. Use the token from the config, CAIRN_TOKEN, or the api-token file in the data directory.")
        }
        return try await next(request, context)
    }

    /// Compares every byte whatever the first difference, so timing does not reveal a prefix.
    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference = UInt64(lhs.count ^ rhs.count)
        let length = max(lhs.count, rhs.count)
        for index in 0..<length {
            let left = index < lhs.count ? lhs[index] : 0
            let right = index < rhs.count ? rhs[index] : 0
            difference |= UInt64(left ^ right)
        }
        return difference == 0
    }
}
