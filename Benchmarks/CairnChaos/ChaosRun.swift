import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One chaos run: serves the generated config with the real binary, drives all three
/// triggers while killing and draining the process at random moments, then lets everything
/// finish and checks the invariants.
final class ChaosRun {
    struct Options {
        var binary: URL
        var directory: String
        var duration: Duration
        var kills: Int
        var drains: Int
        /// How many times to fill the data directory's file system (0: never).
        var diskFills: Int
        var seed: UInt64
        var progress: Bool
    }

    let options: Options
    private var random: SplitMix64
    private var timeline = Timeline()
    /// Each completed step's output hash as last observed, and when it was first seen stored.
    private var outputs: [String: UInt64] = [:]
    private var firstStored: [String: Date] = [:]
    private var outputChanges: [String] = []
    private var disk: DiskFiller?
    /// While the disk is full: when to free it.
    private var fullUntil: ContinuousClock.Instant?
    private var fullSince = Date()
    /// Since the disk was freed, until `/readyz` answers 200 again.
    private var awaitingRecovery: Date?
    /// Whether `/readyz` said the disk was full during the current fill.
    private var refusalSeen = false
    /// Starts that failed (the process ended or never became ready).
    private var startFailures: [String] = []

    /// Frees the disk if it is full, noting how long it was; the appliance must then be
    /// ready again.
    private func freeDisk() {
        guard fullUntil != nil else { return }
        disk?.free()
        fullUntil = nil
        timeline.fullDisks.append(Timeline.FullDisk(from: fullSince, to: Date(), refusalSeen: refusalSeen))
        awaitingRecovery = Date()
    }

    /// Starts the appliance, again if a start fails (each failure recorded), up to 3 times.
    private func start(_ appliance: ApplianceProcess) async throws {
        var failures: [String] = []
        for _ in 0..<3 {
            do {
                try await appliance.start()
                return
            } catch {
                failures.append("\(error)")
                startFailures.append("\(error)")
                appliance.killNow()
            }
        }
        throw ChaosError("cairn serve failed to start 3 times in a row: \(failures.joined(separator: "; "))")
    }

    /// Notes that the appliance is ready again after a full disk, if it is.
    private func checkRecovery(_ appliance: ApplianceProcess) async {
        guard awaitingRecovery != nil, appliance.isRunning, await appliance.ready(), let last = timeline.fullDisks.indices.last else { return }
        timeline.fullDisks[last].recovered = Date()
        awaitingRecovery = nil
    }

    init(options: Options) {
        self.options = options
        self.random = SplitMix64(seed: options.seed)
    }

    /// The invariants, checked; throws when the harness itself could not run.
    func execute() async throws -> (invariants: [Invariant], summary: [String: Int]) {
        let directory = options.directory
        let ledger = try LedgerServer(path: directory + "/ledger.log")
        let ledgerTask = try await ledger.start()
        defer { ledgerTask.cancel() }
        let config = ChaosConfig(directory: directory, port: try Self.freePort(), ledgerPort: ledger.port ?? 0,
                                 token: "chaos-" + String(random.next(), radix: 16) + String(random.next(), radix: 16))
        // It holds the API token: the owner's alone from the start.
        guard FileManager.default.createFile(atPath: directory + "/cairn.toml", contents: Data(config.text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ChaosError("could not write \(directory)/cairn.toml; check that the directory is writable and the disk has space")
        }
        let secret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
        let appliance = ApplianceProcess(binary: options.binary, configPath: directory + "/cairn.toml", logPath: directory + "/serve.log", port: config.port,
                                         environment: [ChaosConfig.secretVariable: "whsec_" + Data(secret).base64EncodedString()])
        let database = Database(path: config.database)
        // The data directory on a tmpfs of its own, so that filling it is a real full disk.
        if options.diskFills > 0 { disk = DiskFiller.mount(at: config.dataDirectory, bytes: 128 << 20) }
        // A harness error must not leave the appliance running or the tmpfs mounted.
        var finished = false
        defer {
            if !finished {
                appliance.killNow()
                disk?.unmount(keepingCopyIn: directory + "/data-kept")
            }
        }
        try await start(appliance)
        // After the first start: the cron schedule counts from the appliance's own start.
        timeline.startedAt = Date()

        let sender = WebhookSender(port: config.port, secret: secret)
        let loadEnd = ContinuousClock.now + options.duration
        // The load runs beside the kills, as real senders do: a kill lands mid-request.
        let seed = options.seed
        let webhookLoad = Task {
            var random = SplitMix64(seed: seed &+ 1)
            while ContinuousClock.now < loadEnd {
                await sender.round(&random)
                try? await Task.sleep(for: .milliseconds(50 + Int(random.next() % 100)))
            }
        }
        let dropCount = DropCount()
        let inbox = config.inbox
        let dropLoad = Task { () throws -> FileDropper in
            var dropper = try FileDropper(inbox: inbox, staging: directory + "/staging")
            var random = SplitMix64(seed: seed &+ 2)
            var number = 0
            while ContinuousClock.now < loadEnd {
                number += 1
                try await dropper.drop(number, &random)
                dropCount.value.store(dropper.dropped.count, ordering: .relaxed)
                try await Task.sleep(for: .milliseconds(150 + Int(random.next() % 300)))
            }
            return dropper
        }
        defer {
            webhookLoad.cancel()
            dropLoad.cancel()
        }
        // The stops, at random moments spread over the run: drains among the kills.
        var plan = Array(repeating: SIGKILL, count: options.kills) + Array(repeating: SIGTERM, count: options.drains)
        plan.shuffle(using: &random)
        let seconds = Double(options.duration.components.seconds)
        var moments = plan.map { _ in Double(random.next() % 1_000_000) / 1_000_000 * max(1, seconds - 5) + 2 }.sorted()
        // Fills in the first 70 % of the run, so each has time to recover under load.
        var fills = (0..<(disk == nil ? 0 : options.diskFills)).map { _ in Double(random.next() % 1_000_000) / 1_000_000 * max(1, seconds * 0.7 - 3) + 3 }.sorted()
        let runStart = ContinuousClock.now
        var stopIndex = 0
        while ContinuousClock.now < loadEnd || stopIndex < plan.count || !fills.isEmpty || fullUntil != nil {
            appliance.noteExit()
            if !appliance.isRunning { try await restart(appliance, database: database) }
            // No stop while the disk is full or recovering: the appliance must recover by itself.
            let diskBusy = fullUntil != nil || awaitingRecovery != nil
            if !diskBusy, stopIndex < plan.count, ContinuousClock.now >= runStart + .milliseconds(Int(moments[stopIndex] * 1000)) {
                try await stop(appliance, plan[stopIndex], database: database)
                stopIndex += 1
                // Stops that fell due while the appliance restarted happen after it is up.
                if stopIndex < moments.count {
                    let now = (ContinuousClock.now - runStart).seconds
                    for index in stopIndex..<moments.count where moments[index] < now { moments[index] = now + 1.5 * Double(index - stopIndex + 1) }
                }
            }
            if let until = fullUntil, ContinuousClock.now >= until {
                freeDisk()
                try observe(database)
            } else if fullUntil != nil {
                if let answer = await appliance.readiness(), answer.status == 503, answer.body.contains("full") { refusalSeen = true }
            } else if awaitingRecovery == nil, let next = fills.first, ContinuousClock.now >= runStart + .milliseconds(Int(next * 1000)) {
                fills.removeFirst()
                // What is stored now must not run again because of the fill.
                try observe(database)
                refusalSeen = false
                fullSince = Date()
                try disk?.fill()
                fullUntil = ContinuousClock.now + .seconds(3)
            }
            await checkRecovery(appliance)
            drawProgress(stopIndex, plan.count, sender.snapshot, dropCount.value.load(ordering: .relaxed), left: loadEnd - ContinuousClock.now)
            try await Task.sleep(for: .milliseconds(50))
        }
        await webhookLoad.value
        let dropper = try await dropLoad.value
        let dropped = dropper.dropped
        let loadEnded = Date()
        freeDisk()
        // Everything sent gets its 2xx; then every instance finishes and every file settles.
        await sender.settle(until: ContinuousClock.now + .seconds(60))
        let deadline = ContinuousClock.now + .seconds(180)
        while try database.unfinished() > 0 || awaitingRecovery != nil || !(try database.settled(dropped, inbox: config.inbox)), ContinuousClock.now < deadline {
            await sender.settle(until: ContinuousClock.now + .seconds(1))
            appliance.noteExit()
            if !appliance.isRunning { try await restart(appliance, database: database) }
            await checkRecovery(appliance)
            drawProgress(stopIndex, plan.count, sender.snapshot, dropped.count, left: .zero, finishing: true)
            try await Task.sleep(for: .milliseconds(250))
        }
        appliance.noteExit()
        try observe(database)
        // The appliance's own grace is 5 s (ChaosConfig): a clean drain ends well within 10.
        let drained = await appliance.stop(SIGTERM, grace: .seconds(10))
        let drainExit = appliance.lastExit
        clearProgress()
        try observe(database)
        let state = sender.snapshot
        let verifier = Verifier(database: database, inbox: config.inbox, timeline: timeline, webhooks: state, dropped: dropped, sizes: dropper.sizes,
                                ledger: ledger.entries, outputChanges: outputChanges, firstStored: firstStored, loadEnded: loadEnded)
        var invariants = try verifier.run()
        let unexpected = appliance.unexpectedExits + startFailures
        invariants.append(Invariant(name: "appliance: no exit or failed start the harness did not cause", passed: unexpected.isEmpty,
                                    detail: unexpected.isEmpty ? "\(appliance.starts) starts, every end a kill or a drain" : unexpected.prefix(3).joined(separator: "; ")))
        invariants.append(verifier.availabilityInvariant(longestRestart: appliance.longestRestart))
        let summary: [String: Int] = ["kills": timeline.kills, "drains": timeline.drains, "disk_fills": disk?.fills ?? 0, "unavailable_503": state.unavailable,
                       "unanswered": state.unansweredAt.count, "deliveries": state.orders.count + state.approvals.count,
                       "repeats": state.repeats, "files": dropped.count, "ledger_executions": ledger.entries.count,
                       "reruns": Verifier.reruns(ledger.entries),
                       "instances": (try? database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM instances") ?? 0 }) ?? 0,
                       "ticks": (try? database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM cron_ticks") ?? 0 }) ?? 0]
        let name = "disk: the data directory filled up, /readyz said so, and the appliance was ready again each time by itself"
        if let disk {
            let fills = timeline.fullDisks
            let recovered = fills.filter { $0.recovered != nil && !$0.restarted }
            let refused = fills.filter(\.refusalSeen)
            let slowest = recovered.compactMap { entry in entry.recovered.map { $0.timeIntervalSince(entry.to) } }.max() ?? 0
            let passed = disk.fills == options.diskFills && fills.count == disk.fills && recovered.count == disk.fills && refused.count == disk.fills
            invariants.append(Invariant(name: name, passed: passed,
                                        detail: passed
                                            ? "\(disk.fills) fills of 3 s on a 128 MiB tmpfs, /readyz unready naming the full disk during each, ready again after each without a restart (slowest \(String(format: "%.1f", slowest)) s after space returned)"
                                            : "\(disk.fills) of \(options.diskFills) planned fills; /readyz said the disk was full during \(refused.count); ready again without a restart after \(recovered.count)"))
        } else if options.diskFills > 0 {
            invariants.append(.skip(name, because: "this machine does not allow mounting a tmpfs (needs root or CAP_SYS_ADMIN); --disk-fills 0 to say so"))
        }
        finished = true
        disk?.unmount(keepingCopyIn: invariants.allSatisfy(\.passed) ? nil : directory + "/data-kept")
        let badDrains = timeline.stops.filter { $0.escalated || ($0.signal == "SIGTERM" && $0.exit != "exit 0") }
        let badKills = timeline.stops.filter { $0.signal == "SIGKILL" && !$0.escalated && $0.exit != "signal 9" }
        let cleanDrain = drained && drainExit == "exit 0" && badDrains.isEmpty && badKills.isEmpty
        invariants.append(Invariant(name: "shutdown: every SIGTERM drained within the grace and exited 0; every SIGKILL was what ended the process", passed: cleanDrain,
                                    detail: cleanDrain ? "\(timeline.drains) drains during the run and the final one ended in time with exit 0; \(timeline.kills) kills"
                                        : "final drain: \(drained ? "in time" : "had to be killed"), \(drainExit); drains: \(badDrains.map { "\($0.exit) at \($0.at)" }.prefix(3)); kills: \(badKills.map { "\($0.exit) at \($0.at)" }.prefix(3))"))
        return (invariants, summary)
    }

    /// Starts the appliance again after an end the harness did not cause (already recorded).
    private func restart(_ appliance: ApplianceProcess, database: Database) async throws {
        freeDisk()
        try observe(database)
        try await start(appliance)
    }

    /// Stops the appliance with `signal`, looks at the stored step results while it is down,
    /// and starts it again.
    private func stop(_ appliance: ApplianceProcess, _ signal: Int32, database: Database) async throws {
        let name = signal == SIGKILL ? "SIGKILL" : "SIGTERM"
        var entry = Timeline.Stop(signal: name, at: Date())
        let inTime = await appliance.stop(signal, grace: .seconds(10))
        entry.diedAt = Date()
        entry.exit = appliance.lastExit
        // A restart on a full disk cannot open the database: space returns first.
        freeDisk()
        if awaitingRecovery != nil, let last = timeline.fullDisks.indices.last { timeline.fullDisks[last].restarted = true }
        if signal == SIGTERM && !inTime {
            entry.escalated = true
            entry.signal = "SIGKILL"
        }
        try observe(database)
        try await start(appliance)
        let restarted = Date()
        entry.restartedAt = restarted
        appliance.noteRestart(seconds: restarted.timeIntervalSince(entry.at))
        timeline.stops.append(entry)
        // Started on a freed disk, ready: that counts as ready again (restarted).
        await checkRecovery(appliance)
    }

    /// Records every completed step's output; one that differs from an earlier look, or is
    /// gone, is a change. Also notes when each step was first seen stored: a body that runs
    /// after that ran although its result was committed.
    private func observe(_ database: Database) throws {
        // Read-only: a read-write open while the appliance is down would recover the WAL a
        // SIGKILL left, sparing the restart the very recovery this run is about.
        let steps = try database.storedSteps()
        // Taken after the read: a body that runs after this ran after its result committed.
        let now = Date()
        var seen = Set<String>()
        for step in steps {
            let hash = Fnv.hash(step.output)
            seen.insert(step.key)
            if let earlier = outputs[step.key], earlier != hash { outputChanges.append("\(step.key) changed") }
            outputs[step.key] = hash
            if firstStored["\(step.instance)/\(step.name)"] == nil { firstStored["\(step.instance)/\(step.name)"] = now }
        }
        for key in outputs.keys where !seen.contains(key) {
            outputChanges.append("\(key) vanished")
            outputs[key] = nil
        }
    }

    private func drawProgress(_ stops: Int, _ planned: Int, _ state: WebhookSender.State, _ files: Int, left: Duration, finishing: Bool = false) {
        guard options.progress else { return }
        let phase = finishing ? "finishing" : "\(max(0, left.components.seconds)) s left"
        let line = "\rchaos: \(stops)/\(planned) stops, \(state.orders.count) orders, \(state.approvals.count) approvals, \(files) files, \(phase)\u{1B}[K"
        FileHandle.standardError.write(Data(line.utf8))
    }

    private func clearProgress() {
        guard options.progress else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    /// A port nothing listens on now (bound, read, released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ChaosError("socket() failed: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw ChaosError("could not bind a loopback port: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
