import Cairn
import CairnStore
import Foundation

/// Reading and steering instances.
extension Engine {
    /// Finds an instance; `latest` names the newest instance of the workflow.
    package func record(_ workflow: String, id: String) throws -> InstanceRecord {
        _ = try registered(workflow)
        do {
            let found = id == "latest" ? try store.latestInstance(workflow: workflow) : try store.instance(workflow: workflow, id: id)
            guard let found else { throw Self.notFound(workflow, id) }
            return found
        } catch let error as EngineError {
            throw error
        } catch {
            throw EngineError(.storage, "Cannot read the database: \(error)")
        }
    }

    /// The instance with its step history and attempts (`id` may be `latest`).
    package func describe(_ workflow: String, id: String) throws -> InstanceHistory {
        let resolved = try record(workflow, id: id).id
        do {
            guard let history = try store.history(workflow: workflow, id: resolved) else { throw Self.notFound(workflow, id) }
            return history
        } catch let error as EngineError {
            throw error
        } catch {
            throw EngineError(.storage, "Cannot read the database: \(error)")
        }
    }

    /// Throws `workflowNotFound` (naming the known workflows) unless `workflow` is registered.
    public func requireWorkflow(_ workflow: String) throws {
        _ = try registered(workflow)
    }

    /// Instance counts per workflow and status.
    public func instanceCounts() throws -> [String: [InstanceStatus: Int]] {
        do {
            return try store.countsByStatus()
        } catch {
            throw EngineError(.storage, "Cannot read the database: \(error)")
        }
    }

    /// The largest page a listing shows.
    public static let maxPageSize = 1000

    /// Instances of a workflow, newest first; at most ``maxPageSize`` + 1, so that a caller
    /// showing full pages can ask for one more to learn whether another page follows.
    package func list(_ workflow: String, status: InstanceStatus? = nil, limit: Int = 50, before: InstanceCursor? = nil) throws -> [InstanceRecord] {
        _ = try registered(workflow)
        do {
            return try store.listInstances(workflow: workflow, status: status, limit: max(1, min(limit, Self.maxPageSize + 1)), before: before)
        } catch {
            throw EngineError(.storage, "Cannot read the database: \(error)")
        }
    }

    /// Pauses at the next step boundary (`waitingForPause` until then); waits are interrupted
    /// at once and keep their remaining time for when the instance resumes.
    @discardableResult
    public func pause(_ workflow: String, id: String) async throws -> InstanceStatus {
        try await control(workflow, id, .pause)
    }

    /// Resumes a paused instance (or withdraws a pause that has not taken effect).
    @discardableResult
    public func resume(_ workflow: String, id: String) async throws -> InstanceStatus {
        try await control(workflow, id, .resume)
    }

    /// Ends the instance as `terminated`; a running step is abandoned.
    @discardableResult
    public func terminate(_ workflow: String, id: String) async throws -> InstanceStatus {
        try await control(workflow, id, .terminate)
    }

    /// Erases the instance's steps, events and timers and runs it again with its original params.
    @discardableResult
    public func restart(_ workflow: String, id: String) async throws -> InstanceStatus {
        try await control(workflow, id, .restart)
    }

    /// Ends an unfinished instance as `errored` with `error`, for a failure found outside its
    /// run (the file a dropped-file instance reads vanished); a running step is abandoned.
    /// Refused (`invalid_transition`) for a finished instance.
    @discardableResult
    public func fail(_ workflow: String, id: String, error: ErrorInfo) async throws -> InstanceStatus {
        try await control(workflow, id, .fail, error: error)
    }

    private func control(_ workflow: String, _ id: String, _ action: ControlRequest.Action, error: ErrorInfo? = nil) async throws -> InstanceStatus {
        let instance = try record(workflow, id: id)
        do {
            let outcome = try await dispatcher.control(instance.rowID, action, error: error)
            context.watch.changed()
            if outcome.changed, outcome.status.isFinished {
                // Ended from outside its run: observers hear of it like of an end by the run.
                let finished = FinishedInstance(workflow: workflow, id: instance.id, status: outcome.status, at: context.clock.now(), error: error)
                for observer in context.finishObservers.withLock({ $0 }) { observer(finished) }
            }
            context.logger.info("instance \(action.rawValue)", metadata: ["workflow": "\(workflow)", "instance": "\(instance.id)", "status": "\(outcome.status.rawValue)"])
            return outcome.status
        } catch let error as StoreError {
            throw EngineError(error)
        }
    }

    /// Sends an event to an instance: delivered to the oldest wait for its type, or buffered
    /// until one starts. Returns once the event is committed. `alongside` runs in the same
    /// transaction (a webhook's delivery record); throwing from it undoes the event.
    public func sendEvent(_ workflow: String, id: String, type: String, payload: Data? = nil,
                          alongside: (@Sendable (EventOutcome, any StoreTransaction) throws -> Void)? = nil) async throws {
        let instance = try record(workflow, id: id)
        do {
            try Identifier.validateEventType(type)
        } catch let error as WorkflowError {
            throw EngineError(error)
        }
        let payload = payload ?? Data("null".utf8)
        guard payload.count <= context.configuration.maxPayloadBytes else {
            throw EngineError(.payloadTooLarge, "The event payload is \(payload.count) bytes; the limit is \(context.configuration.maxPayloadBytes) bytes.")
        }
        guard (try? JSONSerialization.jsonObject(with: payload, options: [.fragmentsAllowed])) != nil else {
            throw EngineError(.invalidInput, "The event payload is not valid JSON. Send a JSON value, e.g. {\"approved\": true}.")
        }
        let delivery = EventDelivery(workflow: workflow, instanceID: instance.id, type: type, payload: payload, at: context.clock.now(),
                                     maxBuffered: context.configuration.maxBufferedEvents, alongside: alongside)
        let result: StoreResult
        do {
            result = try await store.perform(.sendEvent(delivery))
        } catch {
            throw EngineError(error)
        }
        context.metrics.eventsSent.increment()
        if case .event(let outcome) = result {
            await dispatcher.eventCommitted(outcome)
        }
        context.watch.changed()
    }

    /// Waits (without polling) until the instance satisfies `condition`, or `timeout` passes (real time).
    @discardableResult
    package func waitFor(
        _ workflow: String, id: String, timeout: Duration = .seconds(30),
        until condition: @escaping @Sendable (InstanceRecord) -> Bool
    ) async throws -> InstanceRecord {
        let watch = context.watch
        return try await withThrowingTaskGroup(of: InstanceRecord?.self) { group in
            group.addTask {
                while true {
                    let seen = watch.version
                    let current = try self.record(workflow, id: id)
                    if condition(current) { return current }
                    try Task.checkCancellation()
                    await watch.wait(after: seen)
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            if let result = try await group.next(), let record = result { return record }
            let current = try? self.record(workflow, id: id)
            throw EngineError(.stopped, "Timed out after \(timeout) waiting for instance '\(id)' of '\(workflow)' (status: \(current?.status.rawValue ?? "unknown")).")
        }
    }

    /// Waits until the instance is `complete`, `errored` or `terminated`.
    @discardableResult
    package func waitForCompletion(_ workflow: String, id: String, timeout: Duration = .seconds(30)) async throws -> InstanceRecord {
        try await waitFor(workflow, id: id, timeout: timeout) { $0.status.isFinished }
    }

    static func notFound(_ workflow: String, _ id: String) -> EngineError {
        EngineError(.instanceNotFound, "No instance '\(id)' of workflow '\(workflow)'. List instances with: cairn instances list \(workflow)")
    }
}
