import CairnAPI
import Foundation
import Hummingbird

/// JSON responses from the shared API types (``CairnAPI``), so server and CLI agree on shapes.
public enum JSON {
    /// Encodes with sorted keys so answers are stable. The API types encode every case.
    public static func encode(_ value: some Encodable) -> Data {
        (try? JSONEncoder.api.encode(value)) ?? Data("null".utf8)
    }

    public static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: encode(value))))
    }
}
