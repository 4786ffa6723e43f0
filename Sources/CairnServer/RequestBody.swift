import Foundation
import Hummingbird

/// Reads and checks a JSON request body (for the management API and features' routes): size limit (before reading it all), content type,
/// well-formed JSON, and for objects the allowed fields. Errors name what to fix.
public struct RequestBody: Sendable {
    public let limit: Int

    public init(limit: Int) { self.limit = limit }

    /// The body as raw bytes (`nil` when empty). Refuses a non-JSON content type.
    public func data(_ request: Request) async throws -> Data? {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError(.contentTooLarge, "payload_too_large", "The request body is \(length) bytes; the limit is \(limit) bytes (server.max_body_bytes).")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw APIError(.contentTooLarge, "payload_too_large", "The request body is over the limit of \(limit) bytes (server.max_body_bytes).")
        }
        guard buffer.readableBytes > 0 else { return nil }
        if let type = request.headers[.contentType] {
            let mediaType = type.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            guard mediaType == "application/json" || mediaType.hasSuffix("+json") else {
                throw APIError(.unsupportedMediaType, "unsupported_media_type",
                               "The body is sent as '\(type)'; send JSON with the header Content-Type: application/json (curl: -H 'Content-Type: application/json').")
            }
        }
        return Data(buffer: buffer)
    }

    /// The body parsed as any JSON value (`nil` when empty).
    public func json(_ request: Request) async throws -> (value: Any, raw: Data)? {
        guard let data = try await data(request) else { return nil }
        do {
            return (try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]), data)
        } catch {
            throw APIError.badRequest("The request body is not valid JSON (\(Self.reason(error))). Check quoting and commas, e.g. {\"params\": {\"name\": \"x\"}}.")
        }
    }

    /// Checks that an object has only `allowed` fields.
    public static func object(_ value: Any, allowed: [String], what: String) throws -> [String: Any] {
        guard let object = value as? [String: Any] else {
            throw APIError.badRequest("\(what) must be a JSON object with the fields \(allowed.joined(separator: ", ")).")
        }
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw APIError.badRequest("Unknown field '\(unknown)' in \(what). Allowed fields: \(allowed.joined(separator: ", ")).")
        }
        return object
    }

    /// Re-serialises a JSON sub-value (for params and payloads).
    public static func encoded(_ value: Any) -> Data {
        (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])) ?? Data("null".utf8)
    }

    private static func reason(_ error: any Error) -> String {
        let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
        return text ?? "unreadable"
    }
}
