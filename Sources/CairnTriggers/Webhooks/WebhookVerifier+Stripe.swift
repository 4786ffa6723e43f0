extension WebhookVerifier {
    /// Stripe: `Stripe-Signature: t=<unix s>,v1=<hex>[,v1=<hex>…]` over `"{t}.{body}"`, keyed
    /// with the whole `whsec_…` string. Any `v1` entry may match (Stripe sends one per active
    /// secret during a roll). `v0` entries are ignored, never accepted: taking them would let
    /// a downgrade to the legacy test-mode scheme through. The delivery ID is the body's `id`.
    func verifyStripe(_ request: WebhookRequest) throws(WebhookRefusal) -> VerifiedDelivery {
        let name = "Stripe-Signature"
        let header = try request.requiredHeader(name)
        var timestamp: Substring?
        var signatures: [[UInt8]] = []
        var ignored = 0
        // A malformed v1 entry next to a valid one is skipped (any entry may match, as in
        // Stripe's own libraries); only a header with no usable v1 at all is malformed.
        var firstMalformed: WebhookRefusal?
        for entry in header.split(separator: ",", omittingEmptySubsequences: false) {
            guard let equals = entry.firstIndex(of: "=") else {
                throw SignatureText.malformed(name, "an entry has no '=' (expected t=…,v1=…)")
            }
            let value = entry[entry.index(after: equals)...]
            switch entry[..<equals] {
            case "t":
                guard timestamp == nil else { throw SignatureText.malformed(name, "t= appears more than once") }
                timestamp = value
            case "v1":
                do {
                    signatures.append(try SignatureText.hex(value, header: name))
                } catch {
                    firstMalformed = firstMalformed ?? error
                }
            default:
                ignored += 1
            }
        }
        guard let timestamp else { throw SignatureText.malformed(name, "no t= timestamp") }
        let seconds = try Self.unixSeconds(timestamp, header: name)
        guard !signatures.isEmpty else {
            if let firstMalformed { throw firstMalformed }
            guard ignored > 0 else { throw SignatureText.malformed(name, "no v1= signature") }
            throw WebhookRefusal(.signatureMismatch, "signature mismatch (\(name) has no v1 entry; v0 and other schemes are never accepted)")
        }
        let index = try requireMatch(Self.signed("\(timestamp).", request.body), signatures)
        let sent = try checkTolerance(seconds, receivedAt: request.receivedAt)
        return VerifiedDelivery(deliveryID: Self.jsonField("id", in: request.body), timestamp: sent, secretIndex: index)
    }
}
