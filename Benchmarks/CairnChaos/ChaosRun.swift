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
    private var outputs: [String: UInt64] = [:]
    private var outputChanges: [String] = []
    private var disk: DiskFiller?
    /// While the disk is full: when to free it.
    private var fullUntil: ContinuousClock.Instant?
    private var fullSince = Date()

    /// Frees the disk if it is full, noting how long it was.
    private func freeDisk() {
        guard fullUntil != nil else { return }
        disk?.free()
        fullUntil = nil
        timeline.fullDisks.append((fullSince, Date()))
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
        // It holds the API token: the owner's alone.
        try config.text.write(toFile: directory + "/cairn.toml", atomically: true, encoding: .utf8)
        guard chmod(directory + "/cairn.toml", 0o600) == 0 else { throw ChaosError("could not make \(directory)/cairn.toml owner-only: errno \(errno)") }
        let secret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
        let appliance = ApplianceProcess(binary: options.binary, configPath: directory + "/cairn.toml", logPath: directory + "/serve.log", port: config.port,
                                         environment: [ChaosConfig.secretVariable: "whsec_" + Data(secret).base64EncodedString()])
        let database = Database(path: config.database)
        // The data directory on a tmpfs of its own, so that filling it is a real full disk.
        if options.diskFills > 0 { disk = DiskFiller.mount(at: config.dataDirectory, bytes: 128 << 20) }
        timeline.startedAt = Date()
        try await appliance.start()

        let sender = WebhookSender(port: config.port, secret: secret)
        var dropper = try FileDropper(inbox: config.inbox, staging: directory + "/staging")
        let loadEnd = ContinuousClock.now + options.duration
        // The stops, at random moments spread over the run: drains among the kills.
        var plan = Array(repeating: SIGKILL, count: options.kills) + Array(repeating: SIGTERM, count: options.drains)
        plan.shuffle(using: &random)
        let seconds = Double(options.duration.components.seconds)
        var moments = plan.map { _ in Double(random.next() % 1_000_000) / 1_000_000 * max(1, seconds - 5) + 2 }.sorted()
        var fills = (0..<(disk == nil ? 0 : options.diskFills)).map { _ in Double(random.next() % 1_000_000) / 1_000_000 * max(1, seconds - 10) + 3 }.sorted()
        let runStart = ContinuousClock.now
        var number = 0
        var stopIndex = 0
        var loadRandom = SplitMix64(seed: options.seed &+ 1)
        var dropRandom = SplitMix64(seed: options.seed &+ 2)
        var nextDrop = ContinuousClock.now
        while ContinuousClock.now < loadEnd || stopIndex < plan.count {
            if stopIndex < plan.count, ContinuousClock.now >= runStart + .milliseconds(Int(moments[stopIndex] * 1000)) {
                try await stop(appliance, plan[stopIndex], database: database)
                stopIndex += 1
                // Stops that fell due while the appliance restarted happen after it is up.
                if stopIndex < moments.count {
                    let now = (ContinuousClock.now - runStart).seconds
                    for index in stopIndex..<moments.count where moments[index] < now { moments[index] = now + 0.2 * Double(index - stopIndex + 1) }
                }
            }
            if let until = fullUntil, ContinuousClock.now >= until {
                freeDisk()
            } else if fullUntil == nil, let next = fills.first, ContinuousClock.now >= runStart + .milliseconds(Int(next * 1000)) {
                fills.removeFirst()
                fullSince = Date()
                try disk?.fill()
                fullUntil = ContinuousClock.now + .seconds(3)
            }
            if ContinuousClock.now < loadEnd {
                await sender.round(&loadRandom)
                if ContinuousClock.now >= nextDrop {
                    number += 1
                    try await dropper.drop(number, &dropRandom)
                    nextDrop = ContinuousClock.now + .milliseconds(150 + Int(dropRandom.next() % 300))
                }
            }
            drawProgress(stopIndex, plan.count, sender.snapshot, dropper.dropped.count, left: loadEnd - ContinuousClock.now)
            try await Task.sleep(for: .milliseconds(50 + Int(loadRandom.next() % 100)))
        }
        let loadEnded = Date()
        freeDisk()
        // Everything sent gets its 2xx; then every instance finishes.
        await sender.settle(until: ContinuousClock.now + .seconds(60))
        let deadline = ContinuousClock.now + .seconds(180)
        while try database.unfinished() > 0, ContinuousClock.now < deadline {
            await sender.settle(until: ContinuousClock.now + .seconds(1))
            if !appliance.isRunning { try await appliance.start() }
            drawProgress(stopIndex, plan.count, sender.snapshot, dropper.dropped.count, left: .zero, finishing: true)
            try await Task.sleep(for: .milliseconds(250))
        }
        // Files the appliance has not moved yet (a done/ move is after the instance's end).
        try await Task.sleep(for: .seconds(1))
        try observe(database)
        let drained = await appliance.stop(SIGTERM)
        clearProgress()
        try observe(database)
        let verifier = Verifier(database: database, inbox: config.inbox, timeline: timeline, webhooks: sender.snapshot, dropped: dropper.dropped,
                                ledger: ledger.entries, outputChanges: outputChanges, loadEnded: loadEnded)
        var invariants = try verifier.run()
        let state = sender.snapshot
        let summary = ["kills": timeline.kills, "drains": timeline.drains, "disk_fills": disk?.fills ?? 0, "unavailable_503": state.unavailable, "deliveries": state.orders.count + state.approvals.count,
                       "repeats": state.repeats, "files": dropper.dropped.count, "ledger_executions": ledger.entries.count,
                       "instances": (try? database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM instances") ?? 0 }) ?? 0,
                       "ticks": (try? database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM cron_ticks") ?? 0 }) ?? 0]
        if let disk {
            invariants.append(Invariant(name: "disk: the data directory filled up and the appliance carried on", passed: disk.fills == options.diskFills,
                                        detail: "\(disk.fills) fills of 3 s on a 128 MiB tmpfs; \(state.unavailable) answers were 503 (full disk, start or drain) and were retried"))
        } else if options.diskFills > 0 {
            invariants.append(Invariant(name: "disk: the data directory filled up and the appliance carried on", passed: true,
                                        detail: "skipped: this machine does not allow mounting a tmpfs (needs root or CAP_SYS_ADMIN); --disk-fills 0 to say so"))
        }
        disk?.unmount(keepingCopyIn: invariants.allSatisfy(\.passed) ? nil : directory + "/data-kept")
        invariants.append(Invariant(name: "shutdown: the final SIGTERM drained within the grace", passed: drained && !timeline.stops.contains(where: \.escalated),
                                    detail: drained ? "\(timeline.drains) drains during the run and the final one ended in time" : "the final drain had to be killed"))
        return (invariants, summary)
    }

    /// Stops the appliance with `signal`, looks at the stored step results while it is down,
    /// and starts it again.
    private func stop(_ appliance: ApplianceProcess, _ signal: Int32, database: Database) async throws {
        let name = signal == SIGKILL ? "SIGKILL" : "SIGTERM"
        var entry = Timeline.Stop(signal: name, at: Date())
        let inTime = await appliance.stop(signal, grace: .seconds(20))
        // A restart on a full disk cannot open the database: space returns first.
        freeDisk()
        if signal == SIGTERM && !inTime {
            entry.escalated = true
            entry.signal = "SIGKILL"
        }
        try observe(database)
        try await appliance.start()
        entry.restartedAt = Date()
        timeline.stops.append(entry)
    }

    /// Records every completed step's output; one that differs from an earlier look is a change.
    private func observe(_ database: Database) throws {
        // Read-only: a read-write open while the appliance is down would recover the WAL a
        // SIGKILL left, sparing the restart the very recovery this run is about.
        for (key, hash) in try database.stepOutputs() {
            if let earlier = outputs[key], earlier != hash { outputChanges.append("\(key) changed") }
            outputs[key] = hash
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
        guard fd >= 0 else { throw ChaosError("socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw ChaosError("could not bind a loopback port: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
