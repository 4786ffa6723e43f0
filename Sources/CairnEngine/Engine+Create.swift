import Cairn
import CairnStore
import Foundation

/// A request to create one instance.
public struct CreateRequest: Sendable {
    public var id: String?
    public var params: Data?
    public init(id: String? = nil, params: Data? = nil) {
        self.id = id
        self.params = params
    }
}

extension Engine {
    /// Creates an instance and returns once it is durably stored (`queued` or `running`).
    ///
    /// - Parameters:
    ///   - id: optional; 1–100 letters, digits, `-`, `_`. Generated (time-ordered) when `nil`.
    ///   - params: JSON for the workflow's `Params`; checked against the type now (`{}` when `nil`).
    /// - Throws: ``EngineError`` `.duplicateInstanceID` if the ID exists, `.invalidInput`,
    ///   `.payloadTooLarge`, `.workflowNotFound`.
    package func create(_ workflow: String, id: String? = nil, paramsJSON params: Data? = nil, trigger: String = "api") async throws -> InstanceRecord {
        let registered = try registered(workflow)
        let record = try newRecord(workflow: workflow, id: id, params: params, trigger: trigger, registered: registered)
        var running = record
        running.status = .running
        running.startedAt = record.createdAt
        let context = self.context
        if !isDraining, let lifetime = await dispatcher.startNew(Lifetime(creating: running, workflow: registered, context: context)) {
            try await lifetime.created.wait().get()
            context.metrics.instancesCreated.increment()
            return running
        }
        do {
            _ = try await context.store.perform(.batch(StoreBatch(instance: record.rowID, epoch: nil, ops: [.insertInstance(record)])))
        } catch {
            throw EngineError(error)
        }
        context.watch.changed()
        context.metrics.instancesCreated.increment()
        await dispatcher.schedule([record.rowID], urgent: false)
        return record
    }

    /// Starts an instance by ID exactly once: creates it, or returns the existing one and says
    /// so. `alongside` runs in the same transaction (a cron tick's ledger row, a webhook
    /// delivery, a file claim), so the trigger's record and the instance commit together or
    /// not at all; throwing from it undoes the start. Triggers derive `id` from what fired
    /// them, so a repeat (a retried delivery, a restart between commit and answer) creates
    /// nothing twice.
    ///
    /// ```swift
    /// let outcome = try await engine.start("report", id: "cron-nightly-20261125T0300Z", trigger: "cron") { outcome, tx in
    ///     try tx.execute("INSERT INTO ticks (schedule, at, instance) VALUES (?, ?, ?)", [.text("nightly"), .time(tick), .text(outcome.record.id)])
    /// }
    /// ```
    public func start(
        _ workflow: String, id: String, paramsJSON params: Data? = nil, trigger: String, eventTime: Date? = nil,
        alongside: (@Sendable (StartOutcome, any StoreTransaction) throws -> Void)? = nil
    ) async throws -> StartOutcome {
        let registered = try registered(workflow)
        var record = try newRecord(workflow: workflow, id: id, params: params, trigger: trigger, registered: registered)
        record.eventTime = eventTime
        // Fast path, as `create`: the insert and the trigger's write ride the first step's
        // commit. An ID that exists makes that commit fail as a duplicate; the idempotent
        // path below then finds the instance and runs `alongside` with `.existing`.
        var running = record
        running.status = .running
        running.startedAt = record.createdAt
        let created = running
        let context = self.context
        var write: (@Sendable (any StoreTransaction) throws -> Void)?
        if let alongside {
            write = { tx in try alongside(.created(created), tx) }
        }
        if !isDraining, let lifetime = await dispatcher.startNew(Lifetime(creating: running, workflow: registered, context: context, alongside: write)) {
            let outcome: Result<Void, EngineError> = try await lifetime.created.wait()
            switch outcome {
            case .success:
                context.metrics.instancesCreated.increment()
                return .created(running)
            case .failure(let error):
                guard error.code == EngineError.Code.duplicateInstanceID else { throw error }
            }
        }
        let result: StoreResult
        do {
            result = try await context.store.perform(.start(InstanceStart(record: record, alongside: alongside)))
        } catch {
            throw EngineError(error)
        }
        guard case .started(let outcome) = result else {
            throw EngineError(.storage, "The store did not report how instance '\(id)' started.")
        }
        if outcome.wasCreated {
            context.watch.changed()
            context.metrics.instancesCreated.increment()
            await dispatcher.schedule([record.rowID], urgent: false)
        }
        return outcome
    }

    /// One start of ``startMany(_:)``.
    public struct StartRequest: Sendable {
        public var workflow: String
        public var id: String
        public var params: Data?
        public var trigger: String
        public var eventTime: Date?
        public var alongside: (@Sendable (StartOutcome, any StoreTransaction) throws -> Void)?

        public init(workflow: String, id: String, params: Data? = nil, trigger: String, eventTime: Date? = nil,
                    alongside: (@Sendable (StartOutcome, any StoreTransaction) throws -> Void)? = nil) {
            self.workflow = workflow
            self.id = id
            self.params = params
            self.trigger = trigger
            self.eventTime = eventTime
            self.alongside = alongside
        }
    }

    /// Several idempotent starts (see ``start(_:id:paramsJSON:trigger:eventTime:alongside:)``)
    /// in one store unit: they commit together or not at all, and the created instances are
    /// dispatched together after the commit. A burst of triggers (a thousand schedules due in
    /// one minute) then costs one savepoint and one dispatch instead of a thousand.
    /// Every request is checked first; a bad one throws before anything is written.
    public func startMany(_ requests: [StartRequest]) async throws -> [StartOutcome] {
        guard !requests.isEmpty else { return [] }
        var starts: [InstanceStart] = []
        starts.reserveCapacity(requests.count)
        for request in requests {
            let registered = try registered(request.workflow)
            var record = try newRecord(workflow: request.workflow, id: request.id, params: request.params, trigger: request.trigger, registered: registered)
            record.eventTime = request.eventTime
            starts.append(InstanceStart(record: record, alongside: request.alongside))
        }
        let result: StoreResult
        do {
            result = try await context.store.perform(.startMany(starts))
        } catch {
            throw EngineError(error)
        }
        guard case .startedMany(let outcomes) = result, outcomes.count == starts.count else {
            throw EngineError(.storage, "The store did not report how \(starts.count) instances started.")
        }
        let created = outcomes.filter(\.wasCreated).map(\.record.rowID)
        if !created.isEmpty {
            context.watch.changed()
            context.metrics.instancesCreated.increment(by: created.count)
            await dispatcher.schedule(created, urgent: false)
        }
        return outcomes
    }

    /// Creates an instance with typed params.
    package func create<P: Encodable & Sendable>(_ workflow: String, id: String? = nil, params: P, trigger: String = "api") async throws -> InstanceRecord {
        let data: Data
        do {
            data = try StoredJSONEncoder.encode(params)
        } catch {
            throw EngineError(.invalidInput, "The params do not encode as JSON: \(error)")
        }
        return try await create(workflow, id: id, paramsJSON: data, trigger: trigger)
    }

    /// Creates up to `maxBatchSize` instances in one transaction. IDs that already exist are
    /// skipped (idempotent), as in Cloudflare; the result lists only the created instances.
    package func createBatch(_ workflow: String, _ requests: [CreateRequest], trigger: String = "api") async throws -> [InstanceRecord] {
        let registered = try registered(workflow)
        guard requests.count <= context.configuration.maxBatchSize else {
            throw EngineError(.invalidInput, "A batch holds at most \(context.configuration.maxBatchSize) instances; this one has \(requests.count). Split it.")
        }
        var records: [InstanceRecord] = []
        var seen: Set<String> = []
        for request in requests {
            let record = try newRecord(workflow: workflow, id: request.id, params: request.params, trigger: trigger, registered: registered)
            guard seen.insert(record.id).inserted else {
                throw EngineError(.invalidInput, "The batch names instance '\(record.id)' twice; give each instance its own ID.")
            }
            records.append(record)
        }
        guard !records.isEmpty else { return [] }
        let inserted: [Int64]
        do {
            guard case .inserted(let rows) = try await context.store.perform(.insertSkippingExisting(records)) else { return [] }
            inserted = rows
        } catch {
            throw EngineError(error)
        }
        context.watch.changed()
        context.metrics.instancesCreated.increment(by: inserted.count)
        await dispatcher.schedule(inserted, urgent: false)
        let created = Set(inserted)
        return records.filter { created.contains($0.rowID) }
    }

    private func newRecord(workflow: String, id: String?, params: Data?, trigger: String, registered: RegisteredWorkflow) throws -> InstanceRecord {
        let id = id ?? Self.generateID(at: context.clock.now())
        do {
            try Identifier.validateInstanceID(id)
        } catch let error as WorkflowError {
            throw EngineError(error)
        }
        let params = params ?? Data("{}".utf8)
        guard params.count <= context.configuration.maxPayloadBytes else {
            throw EngineError(.payloadTooLarge, "The params are \(params.count) bytes; the limit is \(context.configuration.maxPayloadBytes) bytes.")
        }
        do {
            try registered.validateParams(params)
        } catch let error as WorkflowError {
            throw EngineError(error)
        }
        let now = context.clock.now()
        return InstanceRecord(rowID: nextRowID(), workflow: workflow, id: id, status: .queued, params: params, trigger: trigger,
                              createdAt: now, updatedAt: now)
    }

    /// A time-ordered ID in UUIDv7 layout: 48 bits of milliseconds, then random bits.
    static func generateID(at date: Date) -> String {
        let millis = UInt64(max(0, Int64(saturating: date.timeIntervalSince1970 * 1000)))
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: millis >> (8 * (5 - index))) }
        var generator = SystemRandomNumberGenerator()
        for index in 6..<16 { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = (bytes[6] & 0x0F) | 0x70
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        // Hex by hand: `String(format:)` per byte was 8 % of W5's server CPU (perf).
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
