import Cairn
import CairnEngine
import CairnStore
import Foundation

extension DropService {
    /// Moves the files of instances that ended to `done/` or `failed/` and records it.
    func finishEnded(_ runtime: DropRuntime) async {
        let ended = runtime.takeEnded()
        guard !ended.isEmpty else { return }
        let drop = runtime.definition
        let rows = (try? store.read { tx in try ended.keys.compactMap { try DropLedger.find(drop: drop.name, instance: $0, tx) } }) ?? []
        var updates: [(DropFileRecord, DropFileRecord.Status, String?, String?)] = []
        for row in rows where row.status == .processing {
            guard let end = ended[row.instance ?? ""] else { continue }
            let (status, detail): (DropFileRecord.Status, String?) = switch end {
            case .complete: (.done, nil)
            case .failed(let why): (.failed, why)
            }
            updates.append((row, status, moveFinished(row, to: status, runtime), detail))
        }
        guard !updates.isEmpty else { return }
        let now = clock.now()
        let name = drop.name
        let finished = updates
        do {
            try await store.transaction { tx in
                for (row, status, stored, detail) in finished {
                    try DropLedger.finish(drop: name, instance: row.instance ?? "", status: status, stored: stored, detail: detail, at: now, tx)
                }
            }
        } catch {
            logger.error("cannot record finished dropped files; the next scan reconciles them", metadata: ["drop": "\(name)", "error": "\(error)"])
        }
        for (_, status, _, _) in updates { metrics.count(name, status.rawValue) }
    }

    /// Moves a finished row's file from `processing/` to the area of `status`; returns its
    /// new stored path (`nil` when the file is gone).
    func moveFinished(_ row: DropFileRecord, to status: DropFileRecord.Status, _ runtime: DropRuntime) -> String? {
        guard let stored = row.stored, stored.hasPrefix("processing/") else { return row.stored }
        let name = FileName(String(stored.dropFirst("processing/".count)))
        let area: DropFolder.Area = status == .done ? .done : .failed
        if runtime.folder.move(name, from: .processing, to: area, as: name) == 0 || runtime.folder.exists(name, in: area) {
            return "\(area.rawValue)/\(name.display)"
        }
        return nil
    }

    /// Makes `processing/` and the ledger agree, both ways: a file without a row gets its
    /// instance (a crash between claim and create); a row whose instance ended gets its file
    /// moved (a crash before the move). At `startup` only, a row whose file vanished errors
    /// its instance (while running, the workflow may be reading or handling the file).
    func reconcile(_ runtime: DropRuntime, startup: Bool) async {
        let drop = runtime.definition
        let files: Set<FileName>
        do {
            files = Set(try runtime.folder.list(.processing))
        } catch {
            logger.error("drop cannot list processing/; reconciling at the next scan", metadata: ["drop": "\(drop.name)", "error": "\(error.message)"])
            return
        }
        let rows: [DropFileRecord]
        do {
            rows = try store.read { tx in try DropLedger.processing(drop: drop.name, tx) }
        } catch {
            logger.error("cannot read the drops ledger; reconciling at the next scan", metadata: ["drop": "\(drop.name)", "error": "\(error)"])
            return
        }
        let known = Set(rows.compactMap { $0.stored.map { FileName(String($0.dropFirst("processing/".count))) } })
        // Files without a processing row: claimed but never started, or left by a crash
        // after their row finished.
        var orphans: [Claimed] = []
        for file in files where !known.contains(file) {
            guard let parsed = Self.parseStored(file, drop: drop.name) else { continue }
            let existing = try? store.read { tx in try DropLedger.find(drop: drop.name, instance: parsed.instance, tx) }
            if let existing {
                // Finished in the ledger, its move lost: move it now.
                let area: DropFolder.Area = existing.status == .done || existing.status == .duplicate ? .done : .failed
                _ = runtime.folder.move(file, from: .processing, to: area, as: file)
                continue
            }
            if let claimed = await inspect(file, runtime) { orphans.append(claimed) }
        }
        if !orphans.isEmpty {
            logger.info("drop reconciles claimed files without an instance", metadata: ["drop": "\(drop.name)", "count": "\(orphans.count)"])
            for chunk in stride(from: 0, to: orphans.count, by: drop.batch) {
                await start(Array(orphans[chunk..<min(chunk + drop.batch, orphans.count)]), runtime)
            }
        }
        // Rows still processing: their instance may have ended unseen, or their file vanished.
        for row in rows {
            guard let instance = row.instance else { continue }
            let view: InstanceView
            do {
                view = try engine.instance(drop.workflow, id: instance)
            } catch {
                if (error as? EngineError)?.code == .instanceNotFound {
                    runtime.ended(instance, .failed("its instance no longer exists"))
                }
                continue
            }
            let stored = row.stored.map { FileName(String($0.dropFirst("processing/".count))) }
            let present = stored.map { files.contains($0) } ?? false
            if view.status.isFinished {
                runtime.ended(instance, view.status == .complete ? .complete
                              : .failed("the instance ended \(view.status.rawValue)" + (view.error.map { ": \($0.message)" } ?? "")))
            } else if startup, !present, let stored, !runtime.folder.exists(stored, in: .processing) {
                if runtime.folder.exists(stored, in: .done) || runtime.folder.exists(stored, in: .failed) { continue }
                let message = "The dropped file \(row.name) vanished from \(drop.stateDirectory)/processing/ before its instance finished; drop it again to process it."
                do {
                    let status = try await engine.fail(drop.workflow, id: instance, error: ErrorInfo(name: "DroppedFileVanished", message: message))
                    if status == .errored { runtime.ended(instance, .failed(message)) }
                    logger.warning("dropped file vanished from processing/; its instance is errored", metadata: ["drop": "\(drop.name)", "instance": "\(instance)"])
                } catch {
                    // Finished meanwhile (the observer reports how), or the store failed (next start).
                    logger.notice("cannot error the instance of a vanished file", metadata: ["drop": "\(drop.name)", "instance": "\(instance)", "error": "\(error)"])
                }
            }
        }
        await finishEnded(runtime)
    }

    /// Deletes finished files past `keep_done` / `keep_failed`, at most once an hour.
    func applyRetention(_ runtime: DropRuntime, now: Date) async {
        let drop = runtime.definition
        let due = runtime.state.withLock { state -> Bool in
            guard now.timeIntervalSince(state.lastRetention) >= 3600 else { return false }
            state.lastRetention = now
            return true
        }
        guard due else { return }
        var plans: [([DropFileRecord.Status], Duration)] = []
        if let keep = drop.keepDone { plans.append(([.done, .duplicate], keep)) }
        if let keep = drop.keepFailed { plans.append(([.failed], keep)) }
        for (statuses, keep) in plans {
            let cutoff = now.addingTimeInterval(-keep.seconds)
            var total = 0
            // In batches until none is left, so a busy drop never falls behind.
            while !Task.isCancelled {
                guard let rows = try? store.read({ tx in try DropLedger.expired(drop: drop.name, statuses: statuses, before: cutoff, limit: 1_000, tx) }),
                      !rows.isEmpty else { break }
                var forgotten: [Int64] = []
                for row in rows {
                    guard let stored = row.stored, let slash = stored.firstIndex(of: "/"),
                          let area = DropFolder.Area(rawValue: String(stored[..<slash])) else { continue }
                    if runtime.folder.remove(FileName(String(stored[stored.index(after: slash)...])), in: area) { forgotten.append(row.seq) }
                }
                let seqs = forgotten
                guard !seqs.isEmpty else { break }
                do {
                    try await store.transaction { tx in for seq in seqs { try DropLedger.forget(seq: seq, tx) } }
                } catch {
                    logger.error("cannot record deleted drop files; retention retries in an hour", metadata: ["drop": "\(drop.name)", "error": "\(error)"])
                    break
                }
                total += seqs.count
                if rows.count < 1_000 { break }
                await Task.yield()
            }
            // Rows of deleted files go too once dedupe no longer needs them.
            let rowCutoff = now.addingTimeInterval(-max(keep.seconds, drop.dedupe == .content ? drop.dedupeWindow.seconds : 0))
            _ = try? await store.transaction { tx in try DropLedger.purge(drop: drop.name, statuses: statuses, before: rowCutoff, tx) }
            if total > 0 { logger.info("drop retention deleted finished files", metadata: ["drop": "\(drop.name)", "count": "\(total)"]) }
        }
    }
}
