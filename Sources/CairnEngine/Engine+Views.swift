import Cairn
import CairnStore
import Foundation

/// The read API for surfaces (HTTP, CLI, plugins): the engine's own views, no store types.
extension Engine {
    /// The instance (`id` may be `latest`); throws `.instanceNotFound` if there is none.
    public func instance(_ workflow: String, id: String) throws -> InstanceView {
        InstanceView(try record(workflow, id: id))
    }

    /// The instance with its step history and attempts (`id` may be `latest`).
    public func detail(_ workflow: String, id: String) throws -> InstanceDetail {
        InstanceDetail(try describe(workflow, id: id))
    }

    /// Instances of a workflow, newest first, after `cursor` (the last one of the previous page).
    public func instances(_ workflow: String, status: InstanceStatus? = nil, limit: Int = 50, after cursor: PageCursor? = nil) throws -> [InstanceView] {
        try list(workflow, status: status, limit: limit, before: cursor.map { InstanceCursor(createdAt: $0.createdAt, rowID: $0.sequence) })
            .map(InstanceView.init)
    }

    /// Creates an instance from JSON params and returns once it is durably stored.
    public func createInstance(_ workflow: String, id: String? = nil, paramsJSON: Data? = nil, trigger: String = "api") async throws -> InstanceView {
        InstanceView(try await create(workflow, id: id, paramsJSON: paramsJSON, trigger: trigger))
    }

    /// Creates an instance with typed params (any `Encodable`, e.g. a ``Cairn/JSONValue``).
    public func createInstance<P: Encodable & Sendable>(_ workflow: String, id: String? = nil, params: P, trigger: String = "api") async throws -> InstanceView {
        InstanceView(try await create(workflow, id: id, params: params, trigger: trigger))
    }

    /// Creates several instances in one transaction; existing IDs are skipped.
    public func createInstances(_ workflow: String, _ requests: [CreateRequest], trigger: String = "api") async throws -> [InstanceView] {
        try await createBatch(workflow, requests, trigger: trigger).map(InstanceView.init)
    }

    /// Waits (without polling) until the instance has finished, or `timeout` passes.
    public func waitUntilFinished(_ workflow: String, id: String, timeout: Duration = .seconds(30)) async throws -> InstanceView {
        InstanceView(try await waitForCompletion(workflow, id: id, timeout: timeout))
    }

    /// Runs synchronous reads (the views above) on the store's read queue and returns to the
    /// awaiting task: what HTTP handlers use, so a read waiting on the disk never holds a
    /// cooperative thread that requests and workflow lifetimes share.
    public func offloaded<T: Sendable>(_ read: @escaping @Sendable (Engine) throws -> T) async throws -> T {
        try await ReadQueue.run { try read(self) }
    }

    /// Durable timers (sleeps, retry back-offs, event timeouts) not yet fired.
    public func pendingTimerCount() throws -> Int {
        do {
            return try store.pendingTimerCount()
        } catch {
            throw EngineError(.storage, "Cannot read the database: \(error)")
        }
    }
}

extension InstanceView {
    init(_ record: InstanceRecord) {
        self.init(
            workflow: record.workflow, id: record.id, status: record.status,
            params: (try? JSONValue(json: record.params)) ?? .null,
            output: record.output.flatMap { try? JSONValue(json: $0) },
            error: record.error, trigger: record.trigger, createdAt: record.createdAt, updatedAt: record.updatedAt,
            startedAt: record.startedAt, endedAt: record.endedAt, pausedAt: record.pausedAt,
            waitingFor: record.waitingFor, wakeAt: record.wakeAt,
            cursor: PageCursor(createdAt: record.createdAt, sequence: record.rowID))
    }
}

extension InstanceDetail {
    init(_ history: InstanceHistory) {
        var attempts: [String: [AttemptRecord]] = [:]
        for attempt in history.attempts { attempts["\(attempt.name)\u{0}\(attempt.count)", default: []].append(attempt) }
        let steps = history.steps.sorted { $0.seq < $1.seq }.map { step in
            StepView(
                key: step.key, status: step.status, startedAt: step.startedAt, endedAt: step.endedAt,
                output: step.output.flatMap { try? JSONValue(json: $0) }, error: step.error, wakeAt: step.wakeAt,
                eventType: step.eventType, config: step.config,
                attempts: (attempts["\(step.key.name)\u{0}\(step.key.count)"] ?? []).sorted { $0.attempt < $1.attempt }.map {
                    AttemptView(attempt: $0.attempt, startedAt: $0.startedAt, endedAt: $0.endedAt, success: $0.success, error: $0.error)
                })
        }
        self.init(instance: InstanceView(history.instance), steps: steps)
    }
}
