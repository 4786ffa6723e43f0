import CairnStore
import Foundation

extension HookService {
    /// A page of `hook`'s deliveries, newest first, before the sequence number `cursor`;
    /// only dead letters with `failedOnly`.
    public func deliveries(_ hook: String, before cursor: Int64?, failedOnly: Bool, limit: Int) throws -> [DeliveryRecord] {
        guard hooks[hook] != nil else { throw notFound(hook) }
        do {
            return try store.read { tx in try HookLedger.page(hook: hook, before: cursor, failedOnly: failedOnly, limit: limit, tx) }
        } catch {
            throw TriggerError(.storage, "Cannot read the webhook deliveries (\(error)). Check that the database is readable.", cause: error)
        }
    }

    /// Runs a stored verified delivery's action again: a new instance with a derived ID, or
    /// the event again. The signature was checked when it arrived; its timestamp is not
    /// checked against the current time.
    public func replay(_ hook: String, seq: Int64) async throws -> HookAnswer {
        guard let definition = hooks[hook] else { throw notFound(hook) }
        let stored: DeliveryRecord?
        let replays: Int
        do {
            (stored, replays) = try store.read { tx in
                (try HookLedger.find(hook: hook, seq: seq, tx), try HookLedger.replayCount(hook: hook, of: seq, tx))
            }
        } catch {
            throw TriggerError(.storage, "Cannot read the webhook deliveries (\(error)). Check that the database is readable.", cause: error)
        }
        guard let stored else {
            throw TriggerError(.deliveryNotFound, "Hook '\(hook)' has no delivery \(seq). List them with: cairn hooks deliveries \(hook)")
        }
        let headers = ((try? JSONSerialization.jsonObject(with: Data(stored.headersJSON.utf8))) as? [String: String] ?? [:])
            .map { (name: $0.key, value: $0.value) }
        let request = WebhookRequest(body: stored.body, headers: headers, receivedAt: clock.now())
        let verified = VerifiedDelivery(deliveryID: stored.deliveryID, timestamp: nil, secretIndex: stored.secretIndex ?? 0)
        let contentType = headers.first { $0.name == "content-type" }?.value
        let body: HookPayload
        do {
            body = try HookPayload(body: stored.body, contentType: contentType)
        } catch {
            throw TriggerError(.invalidInput, "Delivery \(seq) of '\(hook)' has a body no action can use: \(error.message)")
        }
        return await act(definition, verified: verified, request: request, body: body, replayOf: (seq, replays + 1))
    }

    func notFound(_ hook: String) -> TriggerError {
        let known = hooks.keys.sorted()
        return TriggerError(.hookNotFound, "No hook named '\(hook)'. Configured hooks: \(known.isEmpty ? "none" : known.joined(separator: ", ")). List them with: cairn hooks list")
    }
}
