extension WebhookVerifier {
    /// Standard Webhooks: `webhook-signature: v1,<base64> v1,<base64>` (space-separated) over
    /// `"{webhook-id}.{webhook-timestamp}.{body}"`, keyed with the base64-decoded secret. Any
    /// `v1` entry may match; `v1a` (asymmetric) and unknown versions are ignored.
    func verifyStandard(_ request: WebhookRequest) throws(WebhookRefusal) -> VerifiedDelivery {
        let name = "webhook-signature", timestampName = "webhook-timestamp"
        let id = try request.requiredHeader("webhook-id")
        let timestamp = try request.requiredHeader(timestampName)
        let header = try request.requiredHeader(name)
        let seconds = try Self.unixSeconds(timestamp[...], header: timestampName)
        var signatures: [[UInt8]] = []
        var ignored = 0
        // A malformed v1 entry next to a valid one is skipped, as the reference libraries do;
        // only a header with no usable v1 at all is malformed.
        var firstMalformed: WebhookRefusal?
        // Entries are walked in place (no array of them): one per secret in use, usually one.
        var remaining = header[...]
        while !remaining.isEmpty {
            let end = remaining.firstIndex(of: " ") ?? remaining.endIndex
            let entry = remaining[..<end]
            remaining = end == remaining.endIndex ? "" : remaining[remaining.index(after: end)...]
            if entry.isEmpty { continue }
            guard let comma = entry.firstIndex(of: ",") else {
                throw SignatureText.malformed(name, "an entry has no ',' (expected v1,<base64>)")
            }
            if entry[..<comma] == "v1" {
                do {
                    signatures.append(try SignatureText.base64(entry[entry.index(after: comma)...], header: name))
                } catch {
                    firstMalformed = firstMalformed ?? error
                }
            } else {
                ignored += 1
            }
        }
        guard !signatures.isEmpty else {
            if let firstMalformed { throw firstMalformed }
            throw WebhookRefusal(.signatureMismatch, "signature mismatch (\(name) has no v1 entry; \(ignored) entries of other versions such as v1a are not supported)")
        }
        let index = try requireMatch(Self.signed("\(id).\(timestamp).", request.body), signatures)
        let sent = try checkTolerance(seconds, receivedAt: request.receivedAt)
        return VerifiedDelivery(deliveryID: id, timestamp: sent, secretIndex: index)
    }
}
