import CairnServer
import Hummingbird

/// The `cursor` of a ledger listing (deliveries, dropped files): the sequence number of the
/// last row of the previous page, as this server printed it.
enum SequenceCursor {
    /// `cursor` from the request's query, or `nil` for the first page; a value this server
    /// never issued is a 400 that says what to pass.
    static func parse(_ request: Request) throws -> Int64? {
        guard let text = request.uri.queryParameters.get("cursor") else { return nil }
        guard let parsed = Int64(text), parsed > 0 else {
            throw APIError.badRequest("The cursor '\(text)' is not one this server issued. Pass the 'cursor' value of the previous page.")
        }
        return parsed
    }
}
