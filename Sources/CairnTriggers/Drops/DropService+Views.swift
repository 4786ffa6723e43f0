import CairnStore
import Foundation

extension DropService {
    /// A drop as `GET /drops` shows it.
    public struct Overview: Sendable {
        public var definition: DropDefinition
        /// Files in the directory this drop will take.
        public var waiting: Int
        public var counts: [DropFileRecord.Status: Int]
        public var lastTaken: DropFileRecord?
    }

    /// Every drop with its counts.
    public func overviews() throws -> [Overview] {
        try definitions.map { drop in
            let folder = DropFolder(directory: drop.directory)
            let waiting = ((try? folder.list()) ?? []).count { drop.wants($0) && FileInfo.of(folder.cPath($0))?.kind == .regular }
            do {
                return try store.read { tx in
                    Overview(definition: drop, waiting: waiting, counts: try DropLedger.counts(drop: drop.name, tx),
                             lastTaken: try DropLedger.lastTaken(drop: drop.name, tx))
                }
            } catch {
                throw TriggerError(.storage, "Cannot read the drops ledger (\(error)). Check that the database is readable.", cause: error)
            }
        }
    }

    /// A page of `drop`'s files, newest first, before `cursor`, of one status if given.
    public func files(_ drop: String, status: DropFileRecord.Status?, before cursor: Int64?, limit: Int) throws -> [DropFileRecord] {
        guard runtimes[drop] != nil else {
            let known = runtimes.keys.sorted()
            throw TriggerError(.dropNotFound, "No drop named '\(drop)'. Configured drops: \(known.isEmpty ? "none" : known.joined(separator: ", ")). List them with: cairn drops list")
        }
        do {
            return try store.read { tx in try DropLedger.page(drop: drop, status: status, before: cursor, limit: limit, tx) }
        } catch {
            throw TriggerError(.storage, "Cannot read the drops ledger (\(error)). Check that the database is readable.", cause: error)
        }
    }
}
