import Cairn
import CairnEngine
import CairnStore
import Foundation
import Logging
import ServiceLifecycle
#if canImport(Glibc)
import Glibc
#endif

/// Watches each drop's directory and starts one instance per complete file, exactly once:
/// inotify (`IN_CLOSE_WRITE`, `IN_MOVED_TO`) is the fast path, a scan at start-up and every
/// `scan_interval` the safety net (a file found by a scan is taken once its size and mtime
/// held still for `settle`). A file is claimed by an atomic rename into
/// `.cairn/processing/<instance-id>-<name>`; its instance and its ledger row commit in one
/// transaction; when the instance ends the file moves to `done/` or `failed/`. Start-up and
/// every scan reconcile `processing/` with the ledger both ways, so a crash at any point
/// loses no file and starts none twice.
///
/// One task per drop (not per file) does all of this, in batches of `batch` files.
///
/// ```swift
/// let drops = DropService(definitions: config.drops, engine: engine, store: store, logger: logger)
/// // add `drops` to the ServiceGroup after the engine
/// ```
public final class DropService: Service, Sendable {
    /// The drops ledger; add it to the store's migrations.
    public static let migrations = DropLedger.migrations
    /// Instance IDs of drops start with this.
    public static let idPrefix = "drop-"

    let runtimes: [String: DropRuntime]
    let engine: Engine
    let store: any WorkflowStore
    let logger: Logger
    let clock: any EngineClock
    let metrics = DropMetrics()
    /// A test hook: with `CAIRN_TEST_KILL_AFTER_CLAIM=<drop>` in the environment the process
    /// sends itself SIGKILL right after that drop's first claim (the rename into
    /// `processing/`), so end-to-end tests can check what start-up makes of the crash.
    let killAfterClaim = ProcessInfo.processInfo.environment["CAIRN_TEST_KILL_AFTER_CLAIM"]

    /// A service for `definitions` on `engine`; its clock is the engine's.
    public init(definitions: [DropDefinition], engine: Engine, store: any WorkflowStore, logger: Logger) {
        runtimes = Dictionary(definitions.map { ($0.name, DropRuntime($0)) }, uniquingKeysWith: { first, _ in first })
        self.engine = engine
        self.store = store
        self.logger = logger
        clock = engine.clock
    }

    /// The configured drops, by name.
    public var definitions: [DropDefinition] { runtimes.values.map(\.definition).sorted { $0.name < $1.name } }

    /// Watches every drop until graceful shutdown.
    public func run() async throws {
        // A read lease (the still-being-written check) makes the kernel send SIGIO to its
        // holder when someone opens the file for writing; its default action would end the
        // process.
        signal(SIGIO, SIG_IGN)
        let runtimes = self.runtimes
        engine.onFinish { finished in
            guard let name = Self.dropName(of: finished.id), let runtime = runtimes[name],
                  finished.workflow == runtime.definition.workflow else { return }
            runtime.ended(finished.id, finished.status == .complete ? .complete
                          : .failed("the instance ended \(finished.status.rawValue)" + (finished.error.map { ": \($0.message)" } ?? "")))
        }
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for runtime in self.runtimes.values {
                    group.addTask { await self.watch(runtime) }
                }
                // Until shutdown, even with no drops: a service that returns early stops the group.
                group.addTask {
                    while !Task.isCancelled { try? await Task.sleep(for: .seconds(86_400)) }
                }
            }
        }
        for runtime in runtimes.values { runtime.state.withLock { $0.watcher?.stop() } }
    }

    /// The drop an instance ID belongs to: `drop-<name>-<16 hex>`.
    static func dropName(of instance: String) -> String? {
        guard instance.hasPrefix(idPrefix), instance.count > idPrefix.count + 17 else { return nil }
        let suffix = instance.suffix(17)
        guard suffix.first == "-", suffix.dropFirst().allSatisfy(\.isHexDigit) else { return nil }
        return String(instance.dropFirst(idPrefix.count).dropLast(17))
    }

    /// One drop's loop: prepare, reconcile, then claim what arrives until cancelled.
    func watch(_ runtime: DropRuntime) async {
        let drop = runtime.definition
        while !Task.isCancelled {
            do {
                try drop.checkDirectory()
                try runtime.folder.prepare()
                break
            } catch {
                logger.error("drop cannot watch its directory; retrying at the next scan", metadata: ["drop": "\(drop.name)", "error": "\(error.message)"])
                await sleep(runtime, until: clock.now().addingTimeInterval(drop.scanInterval.seconds))
            }
        }
        startWatcher(runtime)
        var nextScan = Date.distantPast
        while !Task.isCancelled {
            let now = clock.now()
            await finishEnded(runtime)
            var rescan = false
            if let watcher = runtime.state.withLock({ $0.watcher }) {
                let arrivals = watcher.take()
                for name in arrivals.names where drop.wants(name) { runtime.enqueue(name) }
                rescan = arrivals.rescan
                if arrivals.lost {
                    logger.warning("drop lost its inotify watch (directory moved or deleted?); scanning until it can watch again", metadata: ["drop": "\(drop.name)"])
                    watcher.stop()
                    runtime.state.withLock { $0.watcher = nil }
                    rescan = true
                }
            }
            if rescan || now >= nextScan {
                if runtime.state.withLock({ $0.watcher == nil }), nextScan != .distantPast { startWatcher(runtime) }
                guard stateIsUsable(runtime) else {
                    // Nothing moves until .cairn is sound again: claims and moves would
                    // follow whatever took its place.
                    nextScan = now.addingTimeInterval(drop.scanInterval.seconds)
                    _ = runtime.takeBacklog(Int.max)
                    runtime.state.withLock { $0.skipped += 1 }
                    await sleep(runtime, until: nextScan)
                    continue
                }
                scan(runtime, now: now)
                await reconcile(runtime, startup: nextScan == .distantPast)
                runtime.state.withLock { $0.passes += 1 }
                await applyRetention(runtime, now: now)
                nextScan = now.addingTimeInterval(drop.scanInterval.seconds)
            } else {
                recheckSettling(runtime, now: now)
            }
            let batch = runtime.takeBacklog(drop.batch)
            if !batch.isEmpty {
                await claim(batch, runtime)
                await Task.yield()
                continue
            }
            let settleDue = runtime.state.withLock { $0.settling.values.map(\.since).min() }.map { $0.addingTimeInterval(drop.settle.seconds) }
            await sleep(runtime, until: min(nextScan, settleDue ?? nextScan))
        }
    }

    /// Whether `.cairn/` and its areas are real directories on the directory's file system,
    /// making them again when they are missing; logs what is wrong otherwise.
    private func stateIsUsable(_ runtime: DropRuntime) -> Bool {
        guard let problem = runtime.folder.stateProblem() else { return true }
        if (try? runtime.folder.prepare()) != nil, runtime.folder.stateProblem() == nil {
            logger.warning("drop made .cairn/ again", metadata: ["drop": "\(runtime.definition.name)", "was": "\(problem)"])
            return true
        }
        logger.error("drop does not claim or move files until .cairn/ is fixed", metadata: ["drop": "\(runtime.definition.name)", "problem": "\(problem)"])
        return false
    }

    /// Starts inotify on the drop's directory, or logs why it falls back to scanning.
    private func startWatcher(_ runtime: DropRuntime) {
        do {
            let watcher = try InotifyWatcher(directory: runtime.definition.directory) { [doorbell = runtime.doorbell] in doorbell.ring() }
            runtime.state.withLock { $0.watcher = watcher }
        } catch {
            logger.warning("drop falls back to scanning", metadata: ["drop": "\(runtime.definition.name)", "reason": "\(error.description)",
                                                                   "scan_interval_s": "\(runtime.definition.scanInterval.seconds)"])
        }
    }

    /// Sleeps until `deadline` or a ring of the drop's doorbell (a file arrived, an instance ended).
    private func sleep(_ runtime: DropRuntime, until deadline: Date) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await self.clock.sleep(until: deadline) }
            group.addTask { await runtime.doorbell.wait() }
            await group.next()
            group.cancelAll()
        }
    }

    /// Lists the directory: wanted files settle (or, settled, are queued); the entries of the
    /// settle table that left the directory are forgotten.
    func scan(_ runtime: DropRuntime, now: Date) {
        let drop = runtime.definition
        let present: [FileName]
        do {
            present = try runtime.folder.list().filter { drop.wants($0) }
        } catch {
            logger.error("drop cannot scan its directory; retrying at the next scan", metadata: ["drop": "\(drop.name)", "error": "\(error.message)"])
            return
        }
        // lstat outside the lock: the engine's finish observer takes it too.
        let queued = runtime.state.withLock { $0.queued }
        let found = present.filter { !queued.contains($0) }.compactMap { name in
            FileInfo.of(runtime.folder.cPath(name)).flatMap { $0.kind == .directory ? nil : (name, $0) }
        }
        var ready: [FileName] = []
        runtime.state.withLock { state in
            let names = Set(present)
            state.settling = state.settling.filter { names.contains($0.key) }
            for (name, info) in found {
                if info.kind != .regular {
                    ready.append(name)       // refused at once: nothing to wait for
                } else if let seen = state.settling[name], info.isSettled(since: seen.info) {
                    if now.timeIntervalSince(seen.since) >= drop.settle.seconds { ready.append(name) }
                } else {
                    state.settling[name] = DropRuntime.Settling(info: info, since: now)
                }
            }
        }
        for name in ready { runtime.enqueue(name) }
    }

    /// Between scans: queues the settling files whose time is up and that did not change.
    func recheckSettling(_ runtime: DropRuntime, now: Date) {
        let settle = runtime.definition.settle.seconds
        let due = runtime.state.withLock { $0.settling.filter { now.timeIntervalSince($0.value.since) >= settle } }
        for (name, seen) in due {
            guard let info = FileInfo.of(runtime.folder.cPath(name)) else {
                runtime.state.withLock { _ = $0.settling.removeValue(forKey: name) }
                continue
            }
            if info.isSettled(since: seen.info) {
                runtime.enqueue(name)
            } else {
                runtime.state.withLock { $0.settling[name] = DropRuntime.Settling(info: info, since: now) }
            }
        }
    }
}
