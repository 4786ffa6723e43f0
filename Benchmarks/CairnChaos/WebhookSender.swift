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
        /// When each 503 came, and each request that got no answer at all (refused, reset).
        var unavailableAt: [Date] = []
        var unansweredAt: [Date] = []
        var unexpected: [String] = []
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
            return (state.sent, Array(state.unackedOrders.prefix(8)), Array(state.orders.filter { state.approvals[$0.key] == nil }.prefix(8)))
        }
        state.withLock { _ = $0.unackedOrders.insert(number) }
        for order in [number] + retryOrders { await sendOrder(order) }
        for (order, instance) in pendingApprovals { await sendApproval(order, instance: instance) }
        if random.next() % 4 == 0 {
            let acked = state.withLock { state in state.orders.isEmpty ? nil : Array(state.orders.keys) }
            if let acked, let order = acked.randomElement(using: &random) { await repeatOrder(order) }
        }
        if random.next() % 5 == 0 {
            let approved = state.withLock { state in Array(state.approvals.keys) }
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
        }
    }

    /// Sends one signed delivery; the answer when it was a 2xx, `nil` when the appliance was
    /// down or draining (tried again later). Other answers are recorded as unexpected.
    private func deliver(hook: String, id: String, body: Data, headers: [String: String] = [:]) async -> (status: Int, body: String)? {
        guard let url = URL(string: "http://127.0.0.1:\(port)/hooks/\(hook)") else { return nil }
        let timestamp = "\(Int(Date().timeIntervalSince1970))"
        let signature = Data(HMACSHA256.mac(key: secret, message: Data("\(id).\(timestamp).".utf8) + body)).base64EncodedString()
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = body
        request.timeoutInterval = 10
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(id, forHTTPHeaderField: "webhook-id")
        request.setValue(timestamp, forHTTPHeaderField: "webhook-timestamp")
        request.setValue("v1,\(signature)", forHTTPHeaderField: "webhook-signature")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        guard let (data, response) = try? await URLSession.shared.data(for: request), let http = response as? HTTPURLResponse else {
            state.withLock { $0.unansweredAt.append(Date()) }
            return nil
        }
        let text = String(decoding: data, as: UTF8.self)
        if (200...299).contains(http.statusCode) { return (http.statusCode, text) }
        // 503 while starting or draining is the appliance saying "not now": retried.
        state.withLock { state in
            if http.statusCode == 503 {
                state.unavailable += 1
                state.unavailableAt.append(Date())
            } else { state.unexpected.append("\(hook) \(id): HTTP \(http.statusCode) \(text.prefix(200))") }
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

    static func instance(in body: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else { return nil }
        return object["instance"] as? String
    }
}
