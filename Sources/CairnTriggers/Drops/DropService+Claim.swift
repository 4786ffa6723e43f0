import Cairn
import CairnEngine
import CairnStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension DropService {
    /// A file renamed into `processing/`, with what its instance needs.
    struct Claimed: Sendable {
        var instance: String
        /// The name it was dropped with (display form).
        var name: String
        /// Its name in `processing/`: `<instance>-<safe name>`.
        var stored: FileName
        var size: Int64
        var sha256: String
        var modified: Date
    }

    /// Claims `names` from the directory: checks each, renames it into `processing/`,
    /// digests it, and creates the instances with their ledger rows in one transaction.
    func claim(_ names: [FileName], _ runtime: DropRuntime) async {
        var claimed: [Claimed] = []
        for name in names {
            guard let stored = await take(name, runtime) else { continue }
            if var file = await inspect(stored, runtime) {
                file.name = name.display
                claimed.append(file)
            }
        }
        await start(claimed, runtime)
    }

    /// Checks `name` and renames it into `processing/`; refuses what must not be taken.
    /// Returns its name in `processing/`, or `nil`.
    func take(_ name: FileName, _ runtime: DropRuntime) async -> FileName? {
        let drop = runtime.definition
        guard let info = FileInfo.of(runtime.folder.cPath(name)) else {
            logger.debug("dropped file vanished before it was claimed", metadata: ["drop": "\(drop.name)", "file": "\(name.display)"])
            return nil
        }
        switch info.kind {
        case .regular: break
        case .directory: return nil
        case .symlink:
            await refuse(name, runtime, reason: "symlink", "\(name.display) is a symbolic link; links are never followed. Drop the file itself.")
            return nil
        default:
            await refuse(name, runtime, reason: "not_regular", "\(name.display) is \(info.kind.noun), not a regular file; only regular files are taken.")
            return nil
        }
        guard info.links == 1 else {
            await refuse(name, runtime, reason: "hard_link", "\(name.display) has \(info.links) hard links; another link could lie outside the directory. Drop a copy (cp, not ln).")
            return nil
        }
        guard info.size <= drop.maxFileBytes else {
            await refuse(name, runtime, reason: "too_large", "\(name.display) is \(info.size) bytes; this drop takes at most \(drop.maxFileBytes) (max_file_bytes).", size: info.size)
            return nil
        }
        if Self.isOpenForWriting(runtime.folder.cPath(name)) {
            // Closed once but opened again (or found by a scan while written): wait until it
            // has held still for `settle` and nobody writes it.
            runtime.state.withLock { $0.settling[name] = DropRuntime.Settling(info: info, since: clock.now()) }
            return nil
        }
        let id = Self.instanceID(drop: drop.name, info)
        let stored = FileName("\(id)-\(name.safe)")
        let error = runtime.folder.move(name, from: nil, to: .processing, as: stored)
        guard error == 0 else {
            if error == ENOENT, FileInfo.of(runtime.folder.cPath(name)) == nil {
                logger.debug("dropped file vanished before it was claimed", metadata: ["drop": "\(drop.name)", "file": "\(name.display)"])
            } else if error == ELOOP || error == ENOTDIR {
                logger.error("drop's .cairn/processing is not a real directory; not claiming", metadata: ["drop": "\(drop.name)"])
            } else if error == ENOENT {
                // The file is there, so processing/ is not: .cairn was removed or the
                // directory replaced. Make it again; the file is claimed at the next pass.
                logger.error("drop's .cairn/processing is missing; creating it again", metadata: ["drop": "\(drop.name)"])
                do {
                    try runtime.folder.prepare()
                    runtime.enqueue(name)
                } catch {
                    logger.error("drop cannot create .cairn/ again", metadata: ["drop": "\(drop.name)", "error": "\(error.message)"])
                }
            } else {
                logger.error("cannot claim a dropped file; it stays for the next scan", metadata: ["drop": "\(drop.name)", "file": "\(name.display)",
                                                                                                  "error": "\(String(cString: strerror(error)))"])
            }
            return nil
        }
        if killAfterClaim == drop.name { kill(getpid(), SIGKILL) }
        return stored
    }

    /// Opens a claimed file (never following a link, never blocking on a FIFO), and digests
    /// it off the cooperative threads. A file this process may not read, that is no longer a
    /// regular file, or that grew past `max_file_bytes` goes to `failed/` with the reason;
    /// `nil` for those and for a transient error (the next pass retries).
    func inspect(_ stored: FileName, _ runtime: DropRuntime) async -> Claimed? {
        let drop = runtime.definition
        guard let parsed = Self.parseStored(stored, drop: drop.name) else { return nil }
        let path = runtime.folder.cPath(stored, in: .processing)
        let limit = drop.maxFileBytes
        let outcome = await Self.offload { Self.digest(path, limit: limit) }
        switch outcome {
        case .digested(let size, let digest, let modified):
            return Claimed(instance: parsed.instance, name: parsed.name, stored: stored, size: size, sha256: digest, modified: modified)
        case .transient(let reason):
            logger.error("cannot read a claimed file; it stays in processing/ for the next pass", metadata: ["drop": "\(drop.name)", "file": "\(stored.display)", "error": "\(reason)"])
            return nil
        case .refused(let reason, let why):
            let unreadable = Claimed(instance: parsed.instance, name: parsed.name, stored: stored, size: 0, sha256: "", modified: Date(timeIntervalSince1970: 0))
            await failWithoutInstance(unreadable, runtime, reason: reason, "\(parsed.name) \(why)")
            return nil
        }
    }

    /// What reading a claimed file gave.
    enum Digested: Sendable {
        case digested(size: Int64, sha256: String, modified: Date)
        case transient(String)
        /// A metrics reason and the rest of a sentence saying what is wrong and what to do.
        case refused(String, String)
    }

    /// Opens and digests `path` (blocking; run through ``offload(_:)``).
    static func digest(_ path: [CChar], limit: Int64) -> Digested {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            if [EMFILE, ENFILE, EINTR, ENOMEM].contains(code) { return .transient(String(cString: strerror(code))) }
            return .refused("unreadable", "cannot be read by this process (\(String(cString: strerror(code)))); give the user cairn runs as read access and drop it again.")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, FileInfo(status).kind == .regular else {
            return .refused("not_regular", "is no longer a regular file; only regular files are taken.")
        }
        do {
            let (size, digest) = try SHA256Digest.of(descriptor: descriptor, limit: limit)
            guard size <= limit else {
                return .refused("too_large", "grew past \(limit) bytes (max_file_bytes) after it was claimed.")
            }
            return .digested(size: size, sha256: SHA256Digest.hex(digest), modified: FileInfo(status).modifiedDate)
        } catch {
            return .transient(error.message)
        }
    }

    /// Runs blocking file work on a global queue, so hashing large files never holds one of
    /// the few cooperative threads the engine and the HTTP server share.
    static func offload<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async { continuation.resume(returning: work()) }
        }
    }

    /// Starts the instances of `files` with their ledger rows, all in one transaction; a
    /// duplicate (with `dedupe = "content"`) moves to `done/` instead.
    func start(_ files: [Claimed], _ runtime: DropRuntime) async {
        guard !files.isEmpty else { return }
        let drop = runtime.definition
        var fresh: [Claimed] = []
        if drop.dedupe == .content {
            let since = clock.now().addingTimeInterval(-drop.dedupeWindow.seconds)
            var accepted: [String: String] = [:]      // digests taken in this batch, not yet committed
            for file in files {
                let original = accepted[file.sha256] ?? (try? store.read { tx in try DropLedger.seen(drop: drop.name, sha256: file.sha256, since: since, tx) }) ?? nil
                if let original, original != file.instance {
                    await skipDuplicate(file, of: original, runtime)
                } else {
                    accepted[file.sha256] = file.instance
                    fresh.append(file)
                }
            }
        } else {
            fresh = files
        }
        let requests = fresh.map { request(for: $0, runtime) }
        do {
            _ = try await engine.startMany(requests)
            metrics.count(drop.name, "taken", by: fresh.count)
            logger.debug("dropped files taken", metadata: ["drop": "\(drop.name)", "count": "\(fresh.count)"])
        } catch {
            // One at a time, so one refused file does not hold back the others.
            for (file, request) in zip(fresh, requests) {
                do {
                    _ = try await engine.start(request.workflow, id: request.id, paramsJSON: request.params, trigger: request.trigger, alongside: request.alongside)
                    metrics.count(drop.name, "taken")
                } catch is CancellationError {
                    return      // shutting down: the files stay in processing/ for the next start
                } catch let error as EngineError where error.code != .storage && error.code != .stopped {
                    await failWithoutInstance(file, runtime, reason: "refused", "workflow \(drop.workflow) refused the file: \(error.message)")
                } catch {
                    logger.error("cannot start the instance of a dropped file; it stays in processing/ for the next pass",
                                 metadata: ["drop": "\(drop.name)", "file": "\(file.name)", "error": "\(error)"])
                }
            }
        }
    }

    /// The idempotent start of `file`'s instance, with its ledger row alongside.
    func request(for file: Claimed, _ runtime: DropRuntime) -> Engine.StartRequest {
        let drop = runtime.definition
        var params = drop.params
        params["path"] = .string(runtime.folder.path(of: .processing) + "/" + file.stored.display)
        params["name"] = .string(file.name)
        params["size"] = .int(file.size)
        params["sha256"] = .string(file.sha256)
        params["modified"] = .string(Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(file.modified))
        let row = DropFileRecord(drop: drop.name, instance: file.instance, name: file.name, stored: "processing/" + file.stored.display,
                                 size: file.size, sha256: file.sha256, modified: file.modified, status: .processing, claimedAt: clock.now())
        return Engine.StartRequest(workflow: drop.workflow, id: file.instance, params: JSONValue.object(params).jsonData(), trigger: "drop:\(drop.name)") { outcome, tx in
            guard outcome.wasCreated else { return }
            try DropLedger.insert(row, tx)
        }
    }

    /// Moves a file whose content was processed before to `done/` and records it.
    private func skipDuplicate(_ file: Claimed, of original: String?, _ runtime: DropRuntime) async {
        let drop = runtime.definition
        guard runtime.folder.move(file.stored, from: .processing, to: .done, as: file.stored) == 0 else { return }
        let row = DropFileRecord(drop: drop.name, instance: nil, name: file.name, stored: "done/" + file.stored.display, size: file.size, sha256: file.sha256,
                                 modified: file.modified, status: .duplicate, detail: "same content as the file of instance \(original ?? "?")",
                                 claimedAt: clock.now(), finishedAt: clock.now())
        await record(row)
        metrics.count(drop.name, "duplicate")
    }

    /// A claimed file no instance can take: to `failed/`, recorded with the reason.
    func failWithoutInstance(_ file: Claimed, _ runtime: DropRuntime, reason: String, _ message: String) async {
        let drop = runtime.definition
        let moved = runtime.folder.move(file.stored, from: .processing, to: .failed, as: file.stored) == 0
        let digested = !file.sha256.isEmpty
        let row = DropFileRecord(drop: drop.name, instance: nil, name: file.name, stored: moved ? "failed/" + file.stored.display : nil,
                                 size: digested ? file.size : nil, sha256: digested ? file.sha256 : nil, modified: digested ? file.modified : nil,
                                 status: .failed, detail: message, claimedAt: clock.now(), finishedAt: clock.now())
        await record(row)
        metrics.count(drop.name, "refused", reason: reason)
        logger.notice("dropped file refused", metadata: ["drop": "\(drop.name)", "file": "\(file.name)", "reason": "\(message)"])
    }

    /// Refuses a file still in the directory: moves it (never following it) to `failed/`
    /// under a unique name and records why.
    func refuse(_ name: FileName, _ runtime: DropRuntime, reason: String, _ message: String, size: Int64? = nil) async {
        let drop = runtime.definition
        let stamp = Int64(clock.now().timeIntervalSince1970 * 1000)
        let target = FileName("refused-\(stamp)-\(String(UInt16.random(in: 0...UInt16.max), radix: 16))-\(name.safe)")
        let moved = runtime.folder.move(name, from: nil, to: .failed, as: target) == 0
        let row = DropFileRecord(drop: drop.name, instance: nil, name: name.display, stored: moved ? "failed/" + target.display : nil, size: size,
                                 sha256: nil, modified: nil, status: .failed, detail: message, claimedAt: clock.now(), finishedAt: clock.now())
        await record(row)
        metrics.count(drop.name, "refused", reason: reason)
        logger.notice("dropped file refused", metadata: ["drop": "\(drop.name)", "file": "\(name.display)", "reason": "\(message)"])
    }

    func record(_ row: DropFileRecord) async {
        do {
            try await store.transaction { tx in _ = try DropLedger.insert(row, tx) }
        } catch {
            logger.error("cannot record a dropped file", metadata: ["drop": "\(row.drop)", "file": "\(row.name)", "error": "\(error)"])
        }
    }

    /// Whether another process holds the file open for writing: a read lease
    /// (`F_SETLEASE`, `F_RDLCK`) is refused with `EAGAIN` exactly then. Where leases are not
    /// permitted (another owner without `CAP_LEASE`, some file systems) this says `false` and
    /// the settle time alone decides.
    static func isOpenForWriting(_ path: [CChar]) -> Bool {
        let setLease: Int32 = 1024      // F_SETLEASE (F_LINUX_SPECIFIC_BASE), hidden behind _GNU_SOURCE
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        if fcntl(descriptor, setLease, Int32(F_RDLCK)) == 0 {
            _ = fcntl(descriptor, setLease, Int32(F_UNLCK))
            return false
        }
        return errno == EAGAIN
    }

    /// `drop-<drop>-<16 hex>`: a digest of the file's identity (device, inode, size, mtime,
    /// ctime), so a claimed file always maps to one instance.
    static func instanceID(drop: String, _ info: FileInfo) -> String {
        let identity = "\(info.device):\(info.inode):\(info.size):\(info.modified):\(info.changed)"
        return "\(idPrefix)\(drop)-" + SHA256Digest.hex(Array(SHA256Digest.of(Array(identity.utf8)).prefix(8)))
    }

    /// The instance ID and the original (safe) name of a file in `processing/`.
    static func parseStored(_ stored: FileName, drop: String) -> (instance: String, name: String)? {
        let text = stored.display
        let prefix = "\(idPrefix)\(drop)-"
        guard text.hasPrefix(prefix) else { return nil }
        let rest = text.dropFirst(prefix.count)
        guard rest.count > 17, rest.prefix(16).allSatisfy(\.isHexDigit), rest.dropFirst(16).first == "-" else { return nil }
        return (prefix + rest.prefix(16), String(rest.dropFirst(17)))
    }
}
