import Foundation

/// Decodes what ``StoredJSONEncoder`` (or Foundation's ``Foundation/JSONEncoder/cairn``)
/// wrote, as ``Foundation/JSONDecoder/cairn`` does, without its cost. Every run of a step
/// reads its result through this decoder, so the first run and every replay see the same
/// value.
package enum StoredJSONDecoder {
    /// `T` read from `data`, as `JSONDecoder.cairn.decode(T.self, from: data)` would read it;
    /// throws `DecodingError` naming the coding path of what did not fit.
    package static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        let parsed = data.withUnsafeBytes { raw in
            Result { () throws(JSONSyntaxError) in try JSONParser.parse(raw.bindMemory(to: UInt8.self)) }
        }
        switch parsed {
        case .success(let value):
            return try ParsedJSON.decode(T.self, from: value, codingPath: [])
        case .failure:
            // Text this strict parser refuses (a byte-order mark, UTF-16, a trailing comma)
            // gets Foundation's verdict: every first run and replay of the same bytes takes
            // this same path, and nothing Foundation accepted before is refused now.
            return try JSONDecoder.cairn.decode(T.self, from: data)
        }
    }
}
