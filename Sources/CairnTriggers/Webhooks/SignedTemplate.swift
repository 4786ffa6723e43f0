import Foundation

/// The string an `hmac-sha256` sender signs, as literal text and placeholders:
/// `"{timestamp}.{body}"` is the timestamp, a dot, then the raw body.
struct SignedTemplate: Sendable, Equatable {
    /// A piece of the signed string.
    enum Segment: Sendable, Equatable {
        case literal(String)
        case timestamp
        case id
        case body
    }

    var segments: [Segment]

    init(segments: [Segment]) {
        self.segments = segments
    }

    /// Parses `text`, which must contain `{body}` exactly once and no placeholder other
    /// than `{body}`, `{timestamp}` and `{id}`.
    init(parsing text: String) throws(TriggerError) {
        func invalid(_ message: String) -> TriggerError { TriggerError(.invalidHook, message) }
        var segments: [Segment] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            if open > rest.startIndex { segments.append(.literal(String(rest[..<open]))) }
            guard let close = rest[open...].firstIndex(of: "}") else {
                throw invalid("The signed template \"\(text)\" has a '{' without a closing '}'; placeholders are {timestamp}, {id} and {body}.")
            }
            switch rest[rest.index(after: open)..<close] {
            case "body": segments.append(.body)
            case "timestamp": segments.append(.timestamp)
            case "id": segments.append(.id)
            case let other:
                throw invalid("The signed template \"\(text)\" has an unknown placeholder {\(other)}; use {timestamp}, {id} or {body}.")
            }
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { segments.append(.literal(String(rest))) }
        guard segments.filter({ $0 == .body }).count == 1 else {
            throw invalid("The signed template \"\(text)\" must contain {body} exactly once: the signature has to cover the body.")
        }
        self.segments = segments
    }

    /// The bytes to sign for this delivery.
    func render(body: Data, timestamp: String?, id: String?) -> Data {
        var message = Data(capacity: body.count + 64)
        for segment in segments {
            switch segment {
            case .literal(let text): message.append(contentsOf: text.utf8)
            case .timestamp: message.append(contentsOf: (timestamp ?? "").utf8)
            case .id: message.append(contentsOf: (id ?? "").utf8)
            case .body: message.append(body)
            }
        }
        return message
    }
}
