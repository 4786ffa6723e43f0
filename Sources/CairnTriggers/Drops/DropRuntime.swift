import Foundation
import Synchronization

/// What the service keeps in memory for one drop between passes: the watcher, files found
/// by a scan that must stay unchanged for `settle`, files ready to claim, and instances that
/// ended since the last pass.
final class DropRuntime: Sendable {
    struct Settling: Sendable {
        var info: FileInfo
        var since: Date
    }

    struct State: Sendable {
        var watcher: InotifyWatcher?
        var settling: [FileName: Settling] = [:]
        /// Ready to claim, in arrival order; `queued` mirrors it for membership.
        var backlog: [FileName] = []
        var queued = Set<FileName>()
        /// Instances that ended: their status.
        var ended: [String: InstanceEnd] = [:]
        var lastRetention = Date.distantPast
        /// Completed scan-and-reconcile passes (tests wait for the first).
        var passes = 0
        /// Passes skipped because `.cairn/` or the directory was not usable.
        var skipped = 0
    }

    /// How an instance of this drop ended.
    enum InstanceEnd: Sendable {
        case complete
        case failed(String)
    }

    let definition: DropDefinition
    let folder: DropFolder
    let doorbell = Doorbell()
    let state = Mutex(State())

    init(_ definition: DropDefinition) {
        self.definition = definition
        folder = DropFolder(directory: definition.directory)
    }

    /// Queues `name` to be claimed unless it already is.
    func enqueue(_ name: FileName) {
        state.withLock { state in
            state.settling[name] = nil
            if state.queued.insert(name).inserted { state.backlog.append(name) }
        }
    }

    /// Takes up to `count` queued names.
    func takeBacklog(_ count: Int) -> [FileName] {
        state.withLock { state in
            let taken = Array(state.backlog.prefix(count))
            state.backlog.removeFirst(taken.count)
            state.queued.subtract(taken)
            return taken
        }
    }

    var hasBacklog: Bool { state.withLock { !$0.backlog.isEmpty } }

    /// Records that `instance` ended and wakes the loop.
    func ended(_ instance: String, _ end: InstanceEnd) {
        state.withLock { $0.ended[instance] = end }
        doorbell.ring()
    }

    func takeEnded() -> [String: InstanceEnd] {
        state.withLock { state in
            defer { state.ended = [:] }
            return state.ended
        }
    }
}
