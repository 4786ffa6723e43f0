import Cairn
import CairnAPI
import Foundation
import Hummingbird

/// JSON responses from the shared API types (``CairnAPI``), so server and CLI agree on shapes.
public enum JSON {
    /// Encodes with sorted keys so answers are stable. The API types encode every case.
    /// The stored-JSON encoder writes `JSONEncoder.api`'s bytes for them (`WireFormatTests`)
    /// at a fraction of the cost: Foundation's was 6 % of creating an instance (W5, perf).
    public static func encode(_ value: some Encodable) -> Data {
        (try? StoredJSONEncoder.encode(value)) ?? Data("null".utf8)
    }

    public static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: encode(value))))
    }
}
