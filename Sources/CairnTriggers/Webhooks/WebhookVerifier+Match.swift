import Foundation

extension WebhookVerifier {
    /// The index of the first active secret whose tag over `message` equals one of
    /// `signatures`; each secret's tag is computed once and compared in constant time.
    func matchingSecret(_ message: Data, _ signatures: [[UInt8]]) -> Int? {
        for (index, key) in keys.enumerated() {
            let tag = key.mac(message)
            if signatures.contains(where: { HMACSHA256.equal(tag, $0) }) { return index }
        }
        return nil
    }

    /// ``matchingSecret(_:_:)`` or a refusal saying how many signatures and secrets were tried.
    func requireMatch(_ message: Data, _ signatures: [[UInt8]]) throws(WebhookRefusal) -> Int {
        guard let index = matchingSecret(message, signatures) else {
            let tried = signatures.count == 1 ? "1 signature" : "\(signatures.count) signatures"
            let secrets = keys.count == 1 ? "1 secret" : "\(keys.count) secrets"
            throw WebhookRefusal(.signatureMismatch, "signature mismatch (checked \(tried) against \(secrets))")
        }
        return index
    }

    /// `prefix` followed by the raw body, the signed string of most schemes.
    static func signed(_ prefix: String, _ body: Data) -> Data {
        var message = Data(capacity: prefix.utf8.count + body.count)
        message.append(contentsOf: prefix.utf8)
        message.append(body)
        return message
    }
}
