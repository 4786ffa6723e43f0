import CairnAPI
import CairnServer
import CairnStore
import CairnTriggers
import Foundation
import Hummingbird

/// `GET /drops` and `GET /drops/{name}/files?status=&cursor=`, behind the bearer token.
enum DropRoutes {
    static func registration(_ box: ServiceBox<DropService>) -> RouteRegistration {
        RouteRegistration(authenticated: true) { group, _ in
            let group = group.add(middleware: ScheduleRoutes.TriggerErrorMapping())
            @Sendable func service() throws -> DropService {
                guard let service = box.value else {
                    throw APIError(.serviceUnavailable, "starting", "The drops are still starting. Try again in a moment.")
                }
                return service
            }
            group.get("drops") { _, _ in
                let service = try service()
                let drops = try await ReadQueue.run { try service.overviews() }.map { overview in
                    let drop = overview.definition
                    return DropSummary(name: drop.name, directory: drop.directory, pattern: drop.pattern?.source, workflow: drop.workflow,
                                       waiting: overview.waiting, processing: overview.counts[.processing] ?? 0, done: overview.counts[.done] ?? 0,
                                       failed: overview.counts[.failed] ?? 0, duplicate: overview.counts[.duplicate] ?? 0,
                                       lastTaken: overview.lastTaken.map(summary))
                }
                return JSON.response(DropList(drops: drops))
            }
            group.get("drops/:name/files") { request, context in
                let query = request.uri.queryParameters
                let cursor = try SequenceCursor.parse(request)
                var status: DropFileRecord.Status?
                if let text = query.get("status") {
                    guard let parsed = DropFileRecord.Status(rawValue: text) else {
                        let choices = DropFileRecord.Status.allCases.map(\.rawValue).joined(separator: ", ")
                        throw APIError.badRequest("status '\(text)' is not a file status; use one of \(choices).")
                    }
                    status = parsed
                }
                let (service, name, wanted) = (try service(), try context.parameters.require("name"), status)
                let page = try await ReadQueue.run { try service.files(name, status: wanted, before: cursor, limit: 51) }
                let shown = page.prefix(50)
                return JSON.response(DropFilePage(files: shown.map(summary), cursor: page.count > 50 ? shown.last.map { "\($0.seq)" } : nil))
            }
        }
    }

    static func summary(_ record: DropFileRecord) -> DropFileSummary {
        DropFileSummary(seq: record.seq, name: record.name, status: record.status.rawValue, instanceId: record.instance, stored: record.stored,
                        size: record.size, sha256: record.sha256, claimedAt: Timestamp.string(record.claimedAt),
                        finishedAt: record.finishedAt.map(Timestamp.string), detail: record.detail)
    }
}
