import CairnAPI
import CairnServer
import CairnStore
import CairnTriggers
import Foundation
import Hummingbird

/// `/schedules`: list and describe schedules, pause and resume them (kept across
/// restarts), run one now, and backfill a past window. Behind the bearer token. Added by
/// ``Appliance/installSchedules()`` through the builder's route hook.
enum ScheduleRoutes {
    /// The routes for the service in `box` (made when the appliance starts).
    static func registration(_ box: ServiceBox<ScheduleService>, maxBodyBytes: Int) -> RouteRegistration {
        RouteRegistration(authenticated: true) { group, _ in
            let group = group.add(middleware: TriggerErrorMapping())
            @Sendable func service() throws -> ScheduleService {
                guard let service = box.value else {
                    throw APIError(.serviceUnavailable, "starting", "The schedules are still starting. Try again in a moment.")
                }
                return service
            }
            let body = CairnServer.RequestBody(limit: maxBodyBytes)
            group.get("schedules") { _, _ in
                let service = try service()
                return JSON.response(ScheduleList(schedules: try await ReadQueue.run { try service.list() }.map(summary)))
            }
            group.get("schedules/:name") { request, context in
                var limit = 50
                if let text = request.uri.queryParameters.get("ticks") {
                    guard let parsed = Int(text), (1...1000).contains(parsed) else {
                        throw APIError.badRequest("ticks must be a whole number from 1 to 1000; got '\(text)'.")
                    }
                    limit = parsed
                }
                let (service, name, ticks) = (try service(), try context.parameters.require("name"), limit)
                return JSON.response(describe(try await ReadQueue.run { try service.describe(name, ticks: ticks) }))
            }
            group.patch("schedules/:name") { request, context in
                let name = try context.parameters.require("name")
                guard let (value, raw) = try await body.json(request) else {
                    throw APIError.badRequest("Send {\"paused\": true} to pause the schedule or {\"paused\": false} to resume it.")
                }
                _ = try CairnServer.RequestBody.object(value, allowed: ["paused"], what: "the body")
                guard let patch = try? JSONDecoder.api.decode(SchedulePatch.self, from: raw) else {
                    throw APIError.badRequest("'paused' must be true or false, e.g. {\"paused\": true}.")
                }
                return JSON.response(summary(try await service().setPaused(name, patch.paused)))
            }
            group.post("schedules/:name/trigger") { request, context in
                guard try await body.data(request) == nil else {
                    throw APIError.badRequest("A run-now takes no body: it starts the schedule's workflow with the schedule's own params. Send an empty POST.")
                }
                let (workflow, instance) = try await service().trigger(context.parameters.require("name"))
                return JSON.response(ScheduleTriggered(workflow: workflow, instanceId: instance), status: .created)
            }
            group.post("schedules/:name/backfill") { request, context in
                let name = try context.parameters.require("name")
                guard let (value, raw) = try await body.json(request) else {
                    throw APIError.badRequest("Send the window, e.g. {\"from\": \"2026-11-01T00:00:00Z\", \"to\": \"2026-11-02T00:00:00Z\", \"dry_run\": true}.")
                }
                let object = try CairnServer.RequestBody.object(value, allowed: ["from", "to", "dry_run"], what: "the body")
                func time(_ key: String) throws -> Date {
                    guard let text = object[key] as? String, let date = Timestamp.strict(text) else {
                        throw APIError.badRequest("'\(key)' must be an RFC 3339 time between 1970 and 9999 with a zone, such as 2026-11-01T00:00:00Z.")
                    }
                    return date
                }
                guard let request = try? JSONDecoder.api.decode(BackfillRequest.self, from: raw) else {
                    throw APIError.badRequest("'dry_run' must be true or false, and 'from' and 'to' ISO 8601 strings.")
                }
                let dryRun = request.dryRun ?? false
                let ticks = try await service().backfill(name, from: try time("from"), to: try time("to"), dryRun: dryRun)
                let entries = ticks.map { BackfillResult.Entry(tick: Timestamp.string($0.tick), instanceId: $0.instance, created: $0.created) }
                return JSON.response(BackfillResult(schedule: name, dryRun: dryRun, ticks: entries))
            }
        }
    }

    /// Turns ``TriggerError``s into the API's error envelope (here, at the edge); the hooks'
    /// management routes use it too.
    struct TriggerErrorMapping: RouterMiddleware {
        typealias Context = CairnRequestContext

        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
            do {
                return try await next(request, context)
            } catch let error as TriggerError {
                let status: HTTPResponse.Status = switch error.code {
                case .scheduleNotFound: .notFound
                case .scheduleOrphaned: .conflict
                case .invalidInput, .invalidSchedule, .invalidDrop: .unprocessableContent
                case .hookNotFound, .deliveryNotFound, .dropNotFound: .notFound
                case .starting, .storage: .serviceUnavailable
                default: .internalServerError
                }
                throw APIError(status, error.code.raw, error.message)
            }
        }
    }

    static func summary(_ status: ScheduleStatus) -> ScheduleSummary {
        ScheduleSummary(
            name: status.name, cron: status.cron, timezone: status.timeZone, workflow: status.workflow, paused: status.paused,
            pausedBy: status.pausedBy, orphaned: status.orphaned, nextTick: status.nextTick.map(Timestamp.string),
            nextFireAt: status.nextFireAt.map(Timestamp.string), lastTick: status.lastTick.map(Timestamp.string),
            lastOutcome: status.lastOutcome, lastInstanceId: status.lastInstance, bufferedTick: status.bufferedTick.map(Timestamp.string),
            highWater: Timestamp.string(status.highWater), catchUp: status.catchUp, overlap: status.overlap, jitterSeconds: status.jitterSeconds)
    }

    static func describe(_ detail: ScheduleDetail) -> ScheduleDescription {
        ScheduleDescription(
            schedule: summary(detail.status),
            ticks: detail.ticks.map {
                ScheduleTick(tick: Timestamp.string($0.tick), outcome: $0.outcome.rawValue, reason: $0.reason, instanceId: $0.instance,
                             fireAt: $0.fireAt.map(Timestamp.string), recordedAt: Timestamp.string($0.recordedAt), source: $0.source)
            },
            audit: detail.audit.map { ScheduleAuditEntry(at: Timestamp.string($0.at), event: $0.event, detail: $0.detail) })
    }
}
