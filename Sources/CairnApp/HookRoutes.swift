import CairnAPI
import CairnServer
import CairnStore
import CairnTriggers
import Foundation
import Hummingbird

/// The webhook ingress `POST /hooks/{name}` (no bearer token: deliveries authenticate by
/// signature) and, behind the token, `GET /hooks`, `GET /hooks/{name}/deliveries` and
/// `POST /hooks/{name}/deliveries/{seq}/replay`.
enum HookRoutes {
    static func ingress(_ box: ServiceBox<HookService>) -> RouteRegistration {
        RouteRegistration(authenticated: false) { group, _ in
            group.post("hooks/:name") { request, context in
                let service = try service(box)
                let name = try context.parameters.require("name")
                guard let limit = service.maxBodyBytes(name) else {
                    return response(await service.receive(name, request: WebhookRequest(body: Data(), headers: [], receivedAt: service.now()), contentType: nil, remote: context.peer))
                }
                let received = service.now()
                if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
                    throw APIError(.contentTooLarge, "payload_too_large", "The delivery is \(length) bytes; hook '\(name)' accepts at most \(limit) bytes (max_body_bytes).")
                }
                let buffer: ByteBuffer
                do {
                    // The cap applies before anything is hashed.
                    buffer = try await request.body.collect(upTo: limit)
                } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
                    throw APIError(.contentTooLarge, "payload_too_large", "The delivery is over hook '\(name)''s limit of \(limit) bytes (max_body_bytes).")
                }
                let headers = request.headers.map { (name: $0.name.canonicalName, value: $0.value) }
                let webhook = WebhookRequest(body: Data(buffer: buffer), headers: headers, receivedAt: received)
                return response(await service.receive(name, request: webhook, contentType: request.headers[.contentType], remote: context.peer))
            }
        }
    }

    static func management(_ box: ServiceBox<HookService>) -> RouteRegistration {
        RouteRegistration(authenticated: true) { group, _ in
            let group = group.add(middleware: ScheduleRoutes.TriggerErrorMapping())
            group.get("hooks") { _, _ in
                let hooks = try service(box).definitions.map { hook in
                    HookSummary(name: hook.name, scheme: hook.verifier.scheme.rawValue, action: hook.action.name, workflow: hook.action.workflow,
                                maxBodyBytes: hook.maxBodyBytes)
                }
                return JSON.response(HookList(hooks: hooks))
            }
            group.get("hooks/:name/deliveries") { request, context in
                let query = request.uri.queryParameters
                let cursor = try SequenceCursor.parse(request)
                let failedOnly = query.get("failed").map { $0 == "true" || $0 == "1" } ?? false
                let (service, name) = (try service(box), try context.parameters.require("name"))
                let page = try await ReadQueue.run { try service.deliveries(name, before: cursor, failedOnly: failedOnly, limit: 51) }
                let shown = page.prefix(50)
                let deliveries = shown.map { record in
                    DeliverySummary(seq: record.seq, deliveryId: record.deliveryID, receivedAt: Timestamp.string(record.receivedAt), outcome: record.outcome.rawValue,
                                    detail: record.detail, instanceId: record.instance, eventType: record.eventType, status: record.status,
                                    bodyBytes: record.body.count, replayOf: record.replayOf, attempts: record.attempts)
                }
                return JSON.response(DeliveryPage(deliveries: Array(deliveries), cursor: page.count > 50 ? shown.last.map { "\($0.seq)" } : nil))
            }
            group.post("hooks/:name/deliveries/:seq/replay") { _, context in
                let text = try context.parameters.require("seq")
                guard let seq = Int64(text), seq > 0 else {
                    throw APIError.badRequest("'\(text)' is not a delivery number; take 'seq' from: cairn hooks deliveries <hook>")
                }
                return response(try await service(box).replay(try context.parameters.require("name"), seq: seq))
            }
        }
    }

    private static func service(_ box: ServiceBox<HookService>) throws -> HookService {
        guard let service = box.value else {
            throw APIError(.serviceUnavailable, "starting", "The webhooks are still starting. Try again in a moment.")
        }
        return service
    }

    private static func response(_ answer: HookAnswer) -> Response {
        Response(status: HTTPResponse.Status(code: answer.status), headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}
