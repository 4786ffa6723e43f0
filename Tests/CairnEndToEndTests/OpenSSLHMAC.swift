import Foundation

/// HMAC-SHA256 in hex by the system's `openssl dgst`, independent of Cairn's own code, for
/// signing webhook deliveries the way their senders do.
enum OpenSSLHMAC {
    static func sha256Hex(_ body: String, secret: String) throws -> String {
        try run(body, ["dgst", "-sha256", "-hmac", secret, "-r"])
    }

    /// Keyed with raw bytes (given in hex), as Standard Webhooks' decoded `whsec_` secrets are.
    static func sha256Hex(_ body: String, hexKey: String) throws -> String {
        try run(body, ["dgst", "-sha256", "-mac", "HMAC", "-macopt", "hexkey:\(hexKey)", "-r"])
    }

    /// Hex to base64, for senders that send the tag in base64.
    static func base64(fromHex hex: String) -> String {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex), index < hex.endIndex {
            bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return Data(bytes).base64EncodedString()
    }

    private static func run(_ body: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(body.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }
}
