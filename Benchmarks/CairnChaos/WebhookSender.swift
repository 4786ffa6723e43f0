import CairnTriggers
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// Sends Standard-Webhooks-signed deliveries the way a real sender does: each order (a
/// create) and its approval (an event for the order's instance) is retried until it gets a
/// 2xx; some acknowledged deliveries are sent again under the same id, and their answers must
/// match the original's.
final class WebhookSender: Sendable {
    let port: Int
    let secret: [UInt8]
    private let state = Mutex(State())

    struct State {
        var sent = 0
        /// Order number → the instance its 2xx named.
        var orders: [Int: String] = [:]
        var unackedOrders: Set<Int> = []
        /// Order number → the answer its approval's 2xx carried.
        var approvals: [Int: String] = [:]
        var repeats = 0
        var repeatMismatches: [String] = []
        /// 503 answers (starting, draining, or a full disk), each retried.
        var unavailable = 0
        /// When each request that got a 503, or no answer at all (refused, reset), was sent
        /// and when it ended.
        var unavailableAt: [Attempt] = []
        var unansweredAt: [Attempt] = []
        var unexpected: [String] = []
    }

    /// One request's time in flight.
    struct Attempt {
        var sent: Date
        var ended: Date
        /// `hook delivery-id`.
        var request = ""
    }

    init(port: Int, secret: [UInt8]) {
        self.port = port
        self.secret = secret
    }

    var snapshot: State { state.withLock { $0 } }

    /// One round: a new order, retries of unacknowledged orders and approvals, and now and
    /// then a repeat of an acknowledged delivery.
    func round(_ random: inout SplitMix64) async {
        let (number, retryOrders, pendingApprovals) = state.withLock { state in
            state.sent += 1
            return (state.sent, Array(state.unackedOrders.sorted().prefix(8)),
                    Array(state.orders.filter { state.approvals[$0.key] == nil }.sorted { $0.key < $1.key }.prefix(8)))
        }
        state.withLock { _ = $0.unackedOrders.insert(number) }
        for order in [number] + retryOrders { await sendOrder(order) }
        for (order, instance) in pendingApprovals { await sendApproval(order, instance: instance) }
        if random.next() % 4 == 0 {
            let acked = state.withLock { state in state.orders.isEmpty ? nil : state.orders.keys.sorted() }
            if let acked, let order = acked.randomElement(using: &random) { await repeatOrder(order) }
        }
        if random.next() % 5 == 0 {
            let approved = state.withLock { state in state.approvals.keys.sorted() }
            if let order = approved.randomElement(using: &random) { await repeatApproval(order) }
        }
    }

    /// Retries what is still unacknowledged until everything is, or the deadline passes.
    func settle(until deadline: ContinuousClock.Instant) async {
        while ContinuousClock.now < deadline {
            let (orders, approvals) = state.withLock { state in
                (Array(state.unackedOrders), Array(state.orders.filter { state.approvals[$0.key] == nil }))
            }
            if orders.isEmpty && approvals.isEmpty { return }
            for order in orders { await sendOrder(order) }
            for (order, instance) in approvals { await sendApproval(order, instance: instance) }
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    private func orderBody(_ order: Int) -> Data { Data("{\"order\":\(order),\"item\":\"widget-\(order % 13)\"}".utf8) }

    private func sendOrder(_ order: Int) async {
        guard let answer = await deliver(hook: "orders", id: "order-\(order)", body: orderBody(order)) else { return }
        guard let instance = Self.instance(in: answer.body) else {
            state.withLock { $0.unexpected.append("order-\(order): \(answer.status) \(answer.body)") }
            return
        }
        state.withLock { state in
            if let earlier = state.orders[order], earlier != instance {
                state.repeatMismatches.append("order-\(order) answered \(instance), earlier \(earlier)")
            }
            state.orders[order] = instance
            state.unackedOrders.remove(order)
        }
    }

    private func repeatOrder(_ order: Int) async {
        guard let answer = await deliver(hook: "orders", id: "order-\(order)", body: orderBody(order)) else { return }
        state.withLock { state in
            state.repeats += 1
            let original = state.orders[order]
            if Self.instance(in: answer.body) != original {
                state.repeatMismatches.append("repeat of order-\(order) answered \(answer.body), the original named \(original ?? "-")")
            }
            // Recognised, not acted on again: 200 with "duplicate": true (a new create is 202).
            if answer.status != 200 || !Self.isDuplicate(answer.body) {
                state.repeatMismatches.append("repeat of order-\(order) was not recognised as a repeat: \(answer.status) \(answer.body)")
            }
        }
    }

    private func sendApproval(_ order: Int, instance: String) async {
        let body = Data("{\"approved_by\":\"chaos\",\"order\":\(order)}".utf8)
        guard let answer = await deliver(hook: "approvals", id: "approve-\(order)", body: body, headers: ["X-Cairn-Instance": instance]) else { return }
        state.withLock { state in
            if let earlier = state.approvals[order], !Self.same(earlier, answer.body) {
                state.repeatMismatches.append("approve-\(order) answered \(answer.body), earlier \(earlier)")
            }
            state.approvals[order] = answer.body
        }
    }

    private func repeatApproval(_ order: Int) async {
        let (instance, original) = state.withLock { ($0.orders[order], $0.approvals[order]) }
        guard let instance, let original else { return }
        let body = Data("{\"approved_by\":\"chaos\",\"order\":\(order)}".utf8)
        guard let answer = await deliver(hook: "approvals", id: "approve-\(order)", body: body, headers: ["X-Cairn-Instance": instance]) else { return }
        state.withLock { state in
            state.repeats += 1
            if !Self.same(original, answer.body) { state.repeatMismatches.append("repeat of approve-\(order) answered \(answer.body), the original \(original)") }
            if answer.status != 200 || !Self.isDuplicate(answer.body) {
                state.repeatMismatches.append("repeat of approve-\(order) was not recognised as a repeat: \(answer.status) \(answer.body)")
            }
        }
    }

    /// Sends one signed delivery; the answer when it was a 2xx, `nil` when the appliance was
    /// down or draining (tried again later). Other answers are recorded as unexpected.
    private func deliver(hook: String, id: String, body: Data, headers: [String: String] = [:]) async -> (status: Int, body: String)? {
        let timestamp = "\(Int(Date().timeIntervalSince1970))"
        let signature = Data(HMACSHA256.mac(key: secret, message: Data("\(id).\(timestamp).".utf8) + body)).base64EncodedString()
        let fields = [("Content-Type", "application/json"), ("webhook-id", id), ("webhook-timestamp", timestamp), ("webhook-signature", "v1,\(signature)")]
            + headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        let sent = Date()
        guard let answer = await HTTPExchange.post(port: port, path: "/hooks/\(hook)", headers: fields, body: body, timeout: .seconds(10)) else {
            state.withLock { $0.unansweredAt.append(Attempt(sent: sent, ended: Date(), request: "\(hook) \(id)")) }
            return nil
        }
        if (200...299).contains(answer.status) { return (answer.status, answer.body) }
        // 503 while starting or draining is the appliance saying "not now": retried.
        state.withLock { state in
            if answer.status == 503 {
                state.unavailable += 1
                state.unavailableAt.append(Attempt(sent: sent, ended: Date(), request: "\(hook) \(id)"))
            } else { state.unexpected.append("\(hook) \(id): HTTP \(answer.status) \(answer.body.prefix(200))") }
        }
        return nil
    }

    /// Whether a repeat's answer is the original's: the same JSON, give or take the
    /// `"duplicate": true` Cairn adds to say it recognised the repeat.
    static func same(_ original: String, _ repeated: String) -> Bool {
        func members(_ text: String) -> NSDictionary? {
            guard var object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return nil }
            object["duplicate"] = nil
            return object as NSDictionary
        }
        guard let first = members(original), let second = members(repeated) else { return original == repeated }
        return first.isEqual(second)
    }

    static func isDuplicate(_ body: String) -> Bool {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["duplicate"] as? Bool == true
    }

    static func instance(in body: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else { return nil }
        return object["instance"] as? String
    }
}
