import Foundation

/// Encodes a `Codable` value byte for byte as ``Foundation/JSONEncoder/cairn`` does (keys
/// sorted, slashes unescaped, dates as ISO 8601 with milliseconds, `Data` as base64, `URL`
/// as its absolute string, non-finite numbers refused) at a fraction of its cost: a step's
/// result is encoded and decoded again on every `step.do`, and Foundation's round trip was a
/// tenth of W1's CPU per step (perf). The differential tests hold it to Foundation's output.
package enum StoredJSONEncoder {
    /// `value` as JSON text, exactly as `JSONEncoder.cairn.encode(value)` would write it;
    /// throws `EncodingError` where Foundation's would (non-finite numbers, nesting, a
    /// top-level value that encodes nothing).
    package static func encode<T: Encodable>(_ value: T) throws -> Data {
        guard let node = try EncodedNode.make(value, codingPath: [], topLevel: true) else {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "Top-level \(T.self) did not encode any values."))
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(128)
        do {
            try node.write(to: &bytes)
        } catch {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "The value is nested more than \(EncodedNode.maximumDepth) arrays or objects deep; JSON text that deep cannot be read back."))
        }
        return Data(bytes)
    }
}
