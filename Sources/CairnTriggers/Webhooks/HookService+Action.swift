import Cairn
import CairnEngine
import CairnStore
import Foundation

extension HookService {
    /// Runs the hook's action for a verified delivery and records it (or its failure).
    ///
    /// - Parameters:
    ///   - replayOf: for a replay, the delivery replayed, and this replay's number (1 for its
    ///     first), which makes the new instance's ID.
    func act(_ hook: HookDefinition, verified: VerifiedDelivery, request: WebhookRequest, body: HookPayload, replayOf: (seq: Int64, number: Int)?) async -> HookAnswer {
        let name = hook.name
        // A create needs no lookup of the delivery ID first: its derived instance ID and the
        // ledger's unique key make a repeat create nothing inside the transaction, and a read
        // per delivery costs (W5 signed). An event does: a repeat must answer as the original
        // did even after that event finished its instance.
        let deliveryID = replayOf == nil ? verified.deliveryID : nil
        if case .event = hook.action, let deliveryID, let existing = try? store.read({ tx in try HookLedger.find(hook: name, delivery: deliveryID, tx) }) {
            return Self.duplicate(existing)
        }
        let headers = Self.headersJSON(request, keeping: keptHeaders[name] ?? hook.storedHeaders.sorted())
        func record(_ outcome: DeliveryRecord.Outcome, _ answer: HookAnswer, instance: String?, eventType: String? = nil, detail: String? = nil) -> DeliveryRecord {
            DeliveryRecord(hook: name, deliveryID: verified.deliveryID, receivedAt: request.receivedAt, outcome: outcome, detail: detail,
                           workflow: hook.action.workflow, instance: instance, eventType: eventType, status: answer.status, answer: answer.text,
                           body: request.body, headersJSON: headers, secretIndex: verified.secretIndex, replayOf: replayOf?.seq)
        }
        switch hook.action {
        case .create(let workflow, let headerNames):
            let id = Self.instanceID(hook: name, delivery: deliveryID, replayOf: replayOf)
            let paramsJSON: Data
            if headerNames.isEmpty {
                // A JSON body is already the params, byte for byte: no need to encode it again.
                paramsJSON = body.json != nil ? request.body : body.value.jsonData()
            } else {
                var selected: [String: JSONValue] = [:]
                for header in headerNames {
                    if let value = try? request.header(header) { selected[header.lowercased()] = .string(value) }
                }
                if case .object(var members) = body.value {
                    members["headers"] = .object(selected)
                    paramsJSON = JSONValue.object(members).jsonData()
                } else {
                    paramsJSON = JSONValue.object(["body": body.value, "headers": .object(selected)]).jsonData()
                }
            }
            let answer = HookAnswer.json(202, [("instance", id)])
            let created = record(.created, answer, instance: id)
            do {
                let outcome = try await engine.start(workflow, id: id, paramsJSON: paramsJSON, trigger: "webhook:\(name)") { outcome, tx in
                    guard outcome.wasCreated else { return }
                    // Its record exists while the instance does not (the engine purged the
                    // instance first): a repeat, which must not run the workflow again.
                    guard try HookLedger.insert(created, tx) else { throw DuplicateDelivery() }
                }
                guard outcome.wasCreated else {
                    // The instance exists: a repeat of this delivery, or an ID someone else
                    // took (by hand, or a delivery ID equal to another one's hash).
                    if let deliveryID, let original = try? store.read({ tx in try HookLedger.find(hook: name, delivery: deliveryID, tx) }) {
                        return Self.duplicate(original)
                    }
                    let message = replayOf == nil
                        ? "Instance '\(id)' already exists but was not created by this delivery; the delivery was not acted on."
                        : "Instance '\(id)' was just created by a concurrent replay of the same delivery; run the replay again for another instance."
                    let conflict = HookAnswer.error(409, "instance_exists", message)
                    await store(record(.failed, conflict, instance: id, detail: message))
                    return conflict
                }
                logger.debug("webhook created an instance", metadata: ["hook": "\(name)", "instance": "\(id)", "delivery": "\(verified.deliveryID ?? "-")"])
                return answer
            } catch let error as EngineError where DuplicateDelivery.matches(error) {
                return await repeatAnswer(name, deliveryID) ?? answer
            } catch {
                return await deadLetter(error, record: { record(.failed, $0, instance: id, detail: $1) })
            }
        case .event(let workflow, let type, let source):
            let target: String?
            switch source {
            case .header(let header): target = try? request.header(header)
            case .pointer(let pointer): target = body.json.flatMap { JSONPointer.resolve(pointer, in: $0) }?.stringValue
            }
            guard let id = target, (try? Identifier.validateInstanceID(id)) != nil else {
                let wherefrom = switch source {
                case .header(let header): "header \(header)"
                case .pointer(let pointer): "JSON Pointer \(pointer)"
                }
                let message = target.map { "The instance ID '\($0.prefix(120))' from \(wherefrom) is not a valid instance ID." }
                    ?? "The delivery does not name an instance: \(wherefrom) is missing or not a string."
                let answer = HookAnswer.error(422, "invalid_input", message)
                await store(record(.failed, answer, instance: target, eventType: type, detail: message))
                return answer
            }
            let answer = HookAnswer.json(202, [("instance", id), ("event", type)])
            let sent = record(.eventSent, answer, instance: id, eventType: type)
            do {
                try await engine.sendEvent(workflow, id: id, type: type, payload: body.value.jsonData()) { _, tx in
                    guard try HookLedger.insert(sent, tx) else { throw DuplicateDelivery() }
                }
                logger.debug("webhook sent an event", metadata: ["hook": "\(name)", "instance": "\(id)", "type": "\(type)"])
                return answer
            } catch let error as EngineError where DuplicateDelivery.matches(error) {
                return await repeatAnswer(name, deliveryID) ?? answer
            } catch {
                return await deadLetter(error, record: { record(.failed, $0, instance: id, eventType: type, detail: $1) })
            }
        }
    }

    /// A repeat of a delivery that succeeded: `200` with the original result.
    static func duplicate(_ existing: DeliveryRecord) -> HookAnswer {
        var members: [(key: String, value: String)] = []
        if let instance = existing.instance { members.append(("instance", instance)) }
        if let type = existing.eventType { members.append(("event", type)) }
        return .json(200, members, duplicate: true)
    }

    private func repeatAnswer(_ hook: String, _ delivery: String?) async -> HookAnswer? {
        guard let delivery, let existing = try? store.read({ tx in try HookLedger.find(hook: hook, delivery: delivery, tx) }) else { return nil }
        return Self.duplicate(existing)
    }

    /// Records a verified delivery whose action failed and answers with the failure's status.
    private func deadLetter(_ error: any Error, record: (HookAnswer, String) -> DeliveryRecord) async -> HookAnswer {
        let engineError = error as? EngineError
        let message = engineError?.message ?? "\(error)"
        let (status, code): (Int, String) = switch engineError?.code {
        case .instanceNotFound?: (404, "instance_not_found")
        case .instanceFinished?: (409, "instance_finished")
        case .invalidInput?, .rejected?: (422, "invalid_input")
        case .payloadTooLarge?: (413, "payload_too_large")
        case .tooManyEvents?: (429, "too_many_events")
        case .workflowNotFound?: (404, "workflow_not_found")
        default: (503, "unavailable")
        }
        guard status != 503 else {
            // The store could not commit: nothing is recorded, the sender should retry. The
            // detail (which may hold SQL) goes to the log, not to the sender.
            logger.error("webhook delivery not recorded", metadata: ["error": "\(message)"])
            return HookAnswer.error(503, "unavailable", "The delivery could not be stored right now; nothing was recorded. Retry it later.")
        }
        let answer = HookAnswer.error(status, code, message)
        await store(record(answer, message))
        return answer
    }

    func store(_ record: DeliveryRecord) async {
        do {
            try await store.transaction { tx in
                if try !HookLedger.recordRetry(of: record, tx) { try HookLedger.insert(record, tx) }
            }
            logger.notice("webhook delivery failed; kept as a dead letter", metadata: ["hook": "\(record.hook)", "status": "\(record.status)", "detail": "\(record.detail ?? "")"])
        } catch {
            logger.error("cannot record a failed webhook delivery", metadata: ["hook": "\(record.hook)", "error": "\(error)"])
        }
    }

    /// `hook-<name>-<delivery>` when that is a valid instance ID, else with a SHA-256 of the
    /// delivery ID, so even without its delivery record a repeat could not create twice.
    /// A replay's is `hook-<name>-replay-<seq>-<number>`; without a delivery ID the ID is new.
    static func instanceID(hook: String, delivery: String?, replayOf: (seq: Int64, number: Int)?) -> String {
        if let replayOf {
            return "hook-\(hook)-replay-\(replayOf.seq)-\(replayOf.number)"
        }
        guard let delivery else {
            return "hook-\(hook)-\(UUID().uuidString.lowercased())"
        }
        let plain = "hook-\(hook)-\(delivery)"
        if (try? Identifier.validateInstanceID(plain)) != nil { return plain }
        // A keyed hash under a fixed key is as deterministic as a plain digest and needs only
        // the HMAC the verifier already uses.
        let digest = HMACSHA256.mac(key: Array("cairn-delivery-id".utf8), message: Data(delivery.utf8))
        return "hook-\(hook)-" + digest.prefix(20).map { String(format: "%02x", $0) }.joined()
    }

    /// The headers of `request` named in `keeping`, as a JSON object with lower-cased names.
    /// `keeping` must hold lower-cased names (``HookDefinition/storedHeaders`` does); a header
    /// matches one without regard to ASCII case, as ``WebhookRequest/header(_:)`` matches, and
    /// without a lower-cased copy of every header's name.
    static func headersJSON(_ request: WebhookRequest, keeping: [String]) -> String {
        var members: [(key: String, value: String)] = []
        for name in keeping {
            // A repeated header keeps its first value (a verified delivery had one value).
            guard let header = request.headers.first(where: { WebhookRequest.sameName($0.name, name) }) else { continue }
            members.append((name, String(header.value.prefix(2048))))
        }
        return JSONText.object(members)
    }
}
