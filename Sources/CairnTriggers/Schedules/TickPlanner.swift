import Foundation

/// Decides what happens to each tick that came due since a schedule's high-water mark: fire,
/// skip (paused) or miss (the catch-up policy dropped it). A pure function of the definition,
/// the mark and the time, so the policy is tested without a clock or a database.
struct TickPlanner {
    /// A tick due now and what to do with it.
    struct Planned: Sendable, Hashable {
        enum Action: Sendable, Hashable {
            case fire
            case skip(TickReason)
            case miss(TickReason)
        }
        var tick: Date
        var fireAt: Date
        var action: Action
        /// More than one for the summary row of ticks not listed one by one.
        var represents = 1
    }

    /// A tick fired at most this long after its time counts as on time, not caught up, if
    /// the service was already running when it came due (never longer than a `latest`
    /// schedule's catch-up window).
    static let onTimeGrace: TimeInterval = 60

    /// Whether a tick due at `fireAt` is on time at `now`: it came due while the service ran
    /// (`runningSince`), and is at most the grace late. A tick that came due while Cairn was
    /// down is a missed tick for the catch-up policy, however recent.
    func isOnTime(_ fireAt: Date, now: Date, runningSince: Date) -> Bool {
        var grace = Self.onTimeGrace
        if case .latest(let window?) = definition.catchUp {
            grace = min(grace, Double(window.components.seconds) + Double(window.components.attoseconds) / 1e18)
        }
        return fireAt >= runningSince && now.timeIntervalSince(fireAt) <= grace
    }
    /// More due ticks than this are summarised in one ledger row instead of one row each
    /// (one less than the ledger keeps, so the summary row survives the pruning).
    static let listedLimit = ScheduleLedger.keptTicks - 1

    let definition: ScheduleDefinition

    /// A planned tick with the earliest time it may be acted on: a late catch-up tick of a
    /// jittered schedule waits its jitter offset after the evaluation that found it, so the
    /// catch-up runs after a boot are spread the same way as on-time ticks.
    struct Step: Sendable, Hashable {
        var planned: Planned
        var notBefore: Date?
    }

    /// ``plan(after:now:paused:runningSince:)`` with each late fire's earliest time.
    func steps(after mark: Date, now: Date, paused: Bool, runningSince: Date = .distantPast) -> [Step] {
        plan(after: mark, now: now, paused: paused, runningSince: runningSince).map { planned in
            guard planned.action == .fire, !isOnTime(planned.fireAt, now: now, runningSince: runningSince) else { return Step(planned: planned) }
            let offset = planned.fireAt.timeIntervalSince(planned.tick)
            return Step(planned: planned, notBefore: offset > 0 ? now.addingTimeInterval(offset) : nil)
        }
    }

    /// When a tick is due: its time plus the deterministic jitter.
    func fireAt(_ tick: Date) -> Date {
        guard let jitter = definition.jitter else { return tick }
        let jitterMillis = jitter.components.seconds * 1000 + jitter.components.attoseconds / 1_000_000_000_000_000
        guard jitterMillis > 0 else { return tick }
        let bound = min(jitterMillis, periodMillis(after: tick))
        guard bound > 1 else { return tick }
        let millis = Int64(saturating: (tick.timeIntervalSince1970 * 1000).rounded(.down))
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in Array(definition.name.utf8) + [0] + withUnsafeBytes(of: millis.littleEndian, Array.init) {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return tick.addingTimeInterval(Double(hash % UInt64(bound)) / 1000)
    }

    /// Milliseconds from `tick` to the next tick (24 hours if there is none).
    func periodMillis(after tick: Date) -> Int64 {
        guard let next = definition.cron.next(after: tick, in: definition.timeZone) else { return 86_400_000 }
        return Int64(saturating: (next.timeIntervalSince(tick) * 1000).rounded())
    }

    /// The next tick strictly after `mark`, with its due time.
    func nextTick(after mark: Date) -> (tick: Date, fireAt: Date)? {
        guard let tick = definition.cron.next(after: mark, in: definition.timeZone) else { return nil }
        return (tick, fireAt(tick))
    }

    /// Every tick after `mark` that is due at `now`, with its action. When more than
    /// ``listedLimit`` are due, the oldest are folded into one `miss` row on the first of them
    /// whose reason counts them.
    func plan(after mark: Date, now: Date, paused: Bool, runningSince: Date = .distantPast) -> [Planned] {
        var due: [(tick: Date, fireAt: Date)] = []
        var dropped = 0
        var firstDropped: Date?
        var cursor = mark
        func trim(to kept: Int) {
            guard due.count > kept else { return }
            let extra = due.count - kept
            if firstDropped == nil { firstDropped = due[0].tick }
            dropped += extra
            due.removeFirst(extra)
        }
        while let next = nextTick(after: cursor), next.fireAt <= now {
            due.append(next)
            if due.count >= 2 * Self.listedLimit { trim(to: Self.listedLimit) }
            cursor = next.tick
        }
        trim(to: Self.listedLimit)
        guard let last = due.last else { return [] }
        var actions = [Planned.Action](repeating: .fire, count: due.count)
        if paused {
            actions = actions.map { _ in .skip(TickReason("paused", "the schedule is paused")) }
        } else {
            let onTime = isOnTime(last.fireAt, now: now, runningSince: runningSince)
            switch definition.catchUp {
            case .none:
                for index in actions.indices { actions[index] = .miss(TickReason("catch_up_none", "Cairn was not running (or was late) at this time and catch_up = none")) }
                if onTime { actions[actions.count - 1] = .fire }
            case .latest(let window):
                for index in actions.indices { actions[index] = .miss(TickReason("catch_up_latest", "a later tick was due too; catch_up = latest fires only the latest")) }
                let period = Double(min(periodMillis(after: last.tick), 86_400_000)) / 1000
                let limit = window.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 } ?? period
                if onTime || now.timeIntervalSince(last.fireAt) <= limit {
                    actions[actions.count - 1] = .fire
                } else {
                    actions[actions.count - 1] = .miss(TickReason("catch_up_window", "\(Int(now.timeIntervalSince(last.fireAt)))s late, beyond catch_up_window (\(Int(limit))s)"))
                }
            case .all(let max):
                for index in actions.indices {
                    actions[index] = index >= actions.count - max ? .fire : .miss(TickReason("catch_up_cap", "older than the \(max) most recent missed ticks (max_catch_up = \(max))"))
                }
            }
        }
        var planned = zip(due, actions).map { Planned(tick: $0.0.tick, fireAt: $0.0.fireAt, action: $0.1) }
        if dropped > 0, let firstDropped {
            let verb = paused ? "skipped while paused" : "missed"
            planned.insert(Planned(tick: firstDropped, fireAt: firstDropped,
                                   action: paused ? .skip(TickReason("paused", "\(dropped) ticks from here on \(verb), not listed one by one"))
                                                  : .miss(TickReason("not_listed", "\(dropped) ticks from here on \(verb) (catch_up = \(definition.catchUp.name)), not listed one by one")),
                                   represents: dropped),
                           at: 0)
        }
        return planned
    }
}
