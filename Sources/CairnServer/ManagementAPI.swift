import Cairn
import CairnAPI
import CairnEngine
import Foundation
import Hummingbird

/// The management API under `/workflows`: list workflows, list / create / inspect instances,
/// change their status and send them events. Every route needs the bearer token, and every
/// `2xx` is sent only after the change has committed.
struct ManagementAPI: Sendable {
    let engine: Engine
    let body: RequestBody

    func addRoutes(to group: RouterGroup<CairnRequestContext>) {
        group.get("workflows") { _, _ in try await listWorkflows() }
        group.get("workflows/:workflow") { _, context in try await workflow(context.parameters.require("workflow")) }
        group.get("workflows/:workflow/instances") { request, context in
            try await listInstances(context.parameters.require("workflow"), request.uri.queryParameters)
        }
        group.post("workflows/:workflow/instances") { request, context in
            try await create(context.parameters.require("workflow"), request)
        }
        group.post("workflows/:workflow/instances/batch") { request, context in
            try await createBatch(context.parameters.require("workflow"), request)
        }
        group.get("workflows/:workflow/instances/:id") { _, context in
            try await describe(context.parameters.require("workflow"), context.parameters.require("id"))
        }
        group.patch("workflows/:workflow/instances/:id/status") { request, context in
            try await changeStatus(context.parameters.require("workflow"), context.parameters.require("id"), request)
        }
        group.post("workflows/:workflow/instances/:id/events/:type") { request, context in
            try await sendEvent(context.parameters.require("workflow"), context.parameters.require("id"),
                                context.parameters.require("type"), request)
        }
    }

    // MARK: Workflows

    // Reads run on the store's read queue (`offloaded`), never on a cooperative thread.

    func listWorkflows() async throws -> Response {
        let counts = try await engine.offloaded { try $0.instanceCounts() }
        let workflows = engine.workflowNames.map { name in WorkflowSummary(name: name, kind: engine.workflowKind(name), counts: counts[name] ?? [:]) }
        return JSON.response(WorkflowList(workflows: workflows))
    }

    func workflow(_ name: String) async throws -> Response {
        try engine.requireWorkflow(name)
        let counts = try await engine.offloaded { try $0.instanceCounts() }
        return JSON.response(WorkflowSummary(name: name, kind: engine.workflowKind(name), counts: counts[name] ?? [:]))
    }

    // MARK: Instances

    func listInstances(_ workflow: String, _ query: Parameters) async throws -> Response {
        var status: InstanceStatus?
        if let text = query.get("status") {
            guard let parsed = InstanceStatus(rawValue: text), parsed != .unknown else {
                let known = InstanceStatus.allCases.filter { $0 != .unknown }.map(\.rawValue).joined(separator: ", ")
                throw APIError.badRequest("Unknown status '\(text)'. Use one of: \(known).")
            }
            status = parsed
        }
        var limit = 50
        if let text = query.get("per_page") ?? query.get("limit") {
            guard let parsed = Int(text), (1...1000).contains(parsed) else {
                throw APIError.badRequest("per_page must be a whole number from 1 to 1000; got '\(text)'.")
            }
            limit = parsed
        }
        var cursor: PageCursor?
        if let text = query.get("cursor") {
            guard let parsed = InstanceJSON.parseCursor(text) else {
                throw APIError.badRequest("The cursor '\(text)' is not one this server issued. Pass the 'cursor' value of the previous page.")
            }
            cursor = parsed
        }
        let (selected, pageCursor, pageSize) = (status, cursor, limit)
        let page = try await engine.offloaded { try $0.instances(workflow, status: selected, limit: pageSize + 1, after: pageCursor) }
        let shown = Array(page.prefix(limit))
        let next = page.count > limit ? shown.last.map(InstanceJSON.cursor) : nil
        return JSON.response(InstancePage(instances: shown.map(InstanceSummary.init), cursor: next))
    }

    func create(_ workflow: String, _ request: Request) async throws -> Response {
        let parsed = try await body.json(request)
        let (id, params) = try Self.createFields(parsed?.value, what: "the request body")
        let created = try await engine.createInstance(workflow, id: id, paramsJSON: params, trigger: "api")
        return JSON.response(InstanceSummary(created), status: .created)
    }

    func createBatch(_ workflow: String, _ request: Request) async throws -> Response {
        guard let parsed = try await body.json(request) else {
            throw APIError.badRequest("Send a JSON array of instances, e.g. [{\"id\": \"a\", \"params\": {}}, {\"params\": {}}].")
        }
        guard let items = parsed.value as? [Any] else {
            throw APIError.badRequest("The batch must be a JSON array of instances, e.g. [{\"params\": {}}].")
        }
        var requests: [CreateRequest] = []
        for (index, item) in items.enumerated() {
            let (id, params) = try Self.createFields(item, what: "batch item \(index)")
            requests.append(CreateRequest(id: id, params: params))
        }
        let created = try await engine.createInstances(workflow, requests, trigger: "api")
        let createdIDs = Set(created.map(\.id))
        let skipped = requests.compactMap(\.id).filter { !createdIDs.contains($0) }
        return JSON.response(BatchCreated(instances: created.map(InstanceSummary.init), skipped: skipped), status: .created)
    }

    /// `{"id"?, "instance_id"?, "params"?}`; an empty body means a generated ID and `{}` params.
    static func createFields(_ value: Any?, what: String) throws -> (id: String?, params: Data?) {
        guard let value else { return (nil, nil) }
        let object = try RequestBody.object(value, allowed: ["id", "instance_id", "params"], what: what)
        var id: String?
        for key in ["id", "instance_id"] {
            guard let raw = object[key] else { continue }
            guard let text = raw as? String else { throw APIError.badRequest("'\(key)' in \(what) must be a string.") }
            if let id, id != text { throw APIError.badRequest("\(what) gives both 'id' and 'instance_id' with different values; send one.") }
            guard !text.hasPrefix("cron-"), !text.hasPrefix("hook-"), !text.hasPrefix("drop-") else {
                throw APIError(.unprocessableContent, "invalid_instance_id", "Instance IDs starting with 'cron-', 'hook-' or 'drop-' are reserved for schedules, webhooks and file drops (one per tick, delivery or file). Choose another ID; to run a schedule now use: cairn schedules trigger <name>")
            }
            id = text
        }
        let params = object["params"].map(RequestBody.encoded)
        return (id, params)
    }

    func describe(_ workflow: String, _ id: String) async throws -> Response {
        JSON.response(InstanceDescription(try await engine.offloaded { try $0.detail(workflow, id: id) }))
    }

    func changeStatus(_ workflow: String, _ id: String, _ request: Request) async throws -> Response {
        let actions = ["pause", "resume", "terminate", "restart"]
        guard let parsed = try await body.json(request) else {
            throw APIError.badRequest("Send {\"status\": \"pause\"} (or resume, terminate, restart).")
        }
        let object = try RequestBody.object(parsed.value, allowed: ["status"], what: "the request body")
        guard let action = object["status"] as? String, actions.contains(action) else {
            throw APIError.badRequest("'status' must be one of \(actions.joined(separator: ", ")).")
        }
        let resolved = try await engine.offloaded { try $0.instance(workflow, id: id).id }
        let status: InstanceStatus = switch action {
        case "pause": try await engine.pause(workflow, id: resolved)
        case "resume": try await engine.resume(workflow, id: resolved)
        case "terminate": try await engine.terminate(workflow, id: resolved)
        default: try await engine.restart(workflow, id: resolved)
        }
        return JSON.response(StatusChange(id: resolved, status: status, timestamp: engine.clock.now()))
    }

    func sendEvent(_ workflow: String, _ id: String, _ type: String, _ request: Request) async throws -> Response {
        let payload = try await body.json(request)?.raw
        let resolved = try await engine.offloaded { try $0.instance(workflow, id: id).id }
        try await engine.sendEvent(workflow, id: resolved, type: type, payload: payload)
        return JSON.response(EventAccepted(id: resolved, type: type))
    }
}
