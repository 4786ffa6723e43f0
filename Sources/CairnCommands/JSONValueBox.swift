import Cairn

/// Any JSON answer, for commands that print what the server sent.
struct JSONValueBox: Decodable {
    var value: JSONValue
    init(from decoder: any Decoder) throws {
        value = try JSONValue(from: decoder)
    }
}
