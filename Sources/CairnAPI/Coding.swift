import Foundation

extension JSONEncoder {
    /// The encoder for API bodies: sorted keys, slashes unescaped.
    public static let api: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

extension JSONDecoder {
    /// The decoder for API bodies.
    public static let api = JSONDecoder()
}
