import CairnAPI
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small JSON client for the management API, speaking the shared ``CairnAPI`` types.
/// Server refusals become exit code 1 with the server's message; connection failures
/// become exit code 3.
struct APIClient {
    let base: URL
    let token: String?

    /// A decoded answer and the bytes the server sent (what `--json` prints).
    struct Answer<Body: Decodable> {
        var body: Body
        var raw: Data
    }

    func get<Body: Decodable>(_ path: String, query: [String: String?] = [:], as type: Body.Type) async throws -> Answer<Body> {
        try await decode(type, "GET", path, send("GET", path, query: query, body: nil))
    }

    func post<Body: Decodable>(_ path: String, json: some Encodable, as type: Body.Type) async throws -> Answer<Body> {
        try await decode(type, "POST", path, send("POST", path, body: try JSONEncoder.api.encode(json)))
    }

    func post<Body: Decodable>(_ path: String, raw: Data?, query: [String: String?] = [:], as type: Body.Type) async throws -> Answer<Body> {
        try await decode(type, "POST", path, send("POST", path, query: query, body: raw))
    }

    func patch<Body: Decodable>(_ path: String, json: some Encodable, as type: Body.Type) async throws -> Answer<Body> {
        try await decode(type, "PATCH", path, send("PATCH", path, body: try JSONEncoder.api.encode(json)))
    }

    /// A path segment, percent-encoded.
    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.~"))) ?? text
    }

    private func decode<Body: Decodable>(_ type: Body.Type, _ method: String, _ path: String, _ data: Data) throws -> Answer<Body> {
        do {
            return Answer(body: try JSONDecoder.api.decode(type, from: data), raw: data)
        } catch {
            throw CLIFailure.server("The appliance answered \(method) \(path) with JSON this cairn does not understand (\(error)). Are the CLI and the server the same version?")
        }
    }

    private func send(_ method: String, _ path: String, query: [String: String?] = [:], body: Data?) async throws -> Data {
        var components = URLComponents(url: base.appendingPathComponent(path), resolvingAgainstBaseURL: false)
        let items = query.compactMap { key, value in value.map { URLQueryItem(name: key, value: $0) } }.sorted { $0.name < $1.name }
        if !items.isEmpty {
            components?.queryItems = items
            // URLComponents leaves "+" as it is, which servers read as a space (form encoding).
            let encoded = components?.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
            components?.percentEncodedQuery = encoded
        }
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
        guard (200..<300).contains(status) else {
            if let envelope = try? JSONDecoder.api.decode(ErrorBody.self, from: data) {
                throw CLIFailure.server("\(envelope.error.message) (HTTP \(status), \(envelope.error.code))")
            }
            throw CLIFailure.server("The appliance answered HTTP \(status) to \(method) \(path).")
        }
        return data
    }
}
