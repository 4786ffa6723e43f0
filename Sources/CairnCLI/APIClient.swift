import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small JSON client for the management API. Server refusals become exit code 1 with the
/// server's message; connection failures become exit code 3.
struct APIClient {
    let base: URL
    let token: String?

    func get(_ path: String, query: [String: String?] = [:]) async throws -> Any {
        try await send("GET", path, query: query, body: nil)
    }

    func post(_ path: String, json: Any?) async throws -> Any {
        try await send("POST", path, body: json.map(Self.encode))
    }

    func post(_ path: String, raw: Data?) async throws -> Any {
        try await send("POST", path, body: raw)
    }

    func patch(_ path: String, json: Any) async throws -> Any {
        try await send("PATCH", path, body: Self.encode(json))
    }

    /// A path segment, percent-encoded.
    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.~"))) ?? text
    }

    static func encode(_ value: Any) -> Data {
        (try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed])) ?? Data("null".utf8)
    }

    private func send(_ method: String, _ path: String, query: [String: String?] = [:], body: Data?) async throws -> Any {
        var components = URLComponents(url: base.appendingPathComponent(path), resolvingAgainstBaseURL: false)
        let items = query.compactMap { key, value in value.map { URLQueryItem(name: key, value: $0) } }.sorted { $0.name < $1.name }
        if !items.isEmpty { components?.queryItems = items }
        guard let url = components?.url else { throw CLIFailure.usage("Cannot build a URL from \(base) and \(path).") }
        var request = URLRequest(url: url, timeoutInterval: 60)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw CLIFailure.unreachable("Cannot reach the appliance at \(base.absoluteString) (\(error.localizedDescription)). Is `cairn serve` running? Set --url or $CAIRN_URL if it listens elsewhere.")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let json = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        guard (200..<300).contains(status) else {
            if let envelope = (json as? [String: Any])?["error"] as? [String: Any], let message = envelope["message"] as? String {
                let code = envelope["code"] as? String ?? "error"
                throw CLIFailure.server("\(message) (HTTP \(status), \(code))")
            }
            throw CLIFailure.server("The appliance answered HTTP \(status) to \(method) \(path).")
        }
        guard let json else { throw CLIFailure.server("The appliance answered \(method) \(path) with something that is not JSON.") }
        return json
    }
}
