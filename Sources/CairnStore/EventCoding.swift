import Cairn
import Foundation

/// How a received event is stored as a `waitForEvent` step's output:
/// `{"payload": <the JSON sent>, "timestamp": "<ISO 8601>", "type": "<type>"}`.
public enum EventCoding {
    public static func encode(_ event: ReceivedEvent) -> Data {
        let payload = event.payload.isEmpty ? Data("null".utf8) : event.payload
        let type = (try? JSONEncoder.cairn.encode(event.type)) ?? Data("\"\"".utf8)
        let timestamp = (try? JSONEncoder.cairn.encode(event.timestamp)) ?? Data("null".utf8)
        var data = Data("{\"payload\":".utf8)
        data.append(payload)
        data.append(Data(",\"timestamp\":".utf8))
        data.append(timestamp)
        data.append(Data(",\"type\":".utf8))
        data.append(type)
        data.append(Data("}".utf8))
        return data
    }

    public static func decode(_ data: Data) -> ReceivedEvent? {
        guard let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [String: Any],
              let type = object["type"] as? String,
              let stamp = object["timestamp"] as? String,
              let timestamp = try? JSONDecoder.cairn.decode(Date.self, from: Data("\"\(stamp)\"".utf8))
        else { return nil }
        let payload = object["payload"].flatMap {
            try? JSONSerialization.data(withJSONObject: $0, options: [.fragmentsAllowed, .sortedKeys])
        } ?? Data("null".utf8)
        return ReceivedEvent(type: type, payload: payload, timestamp: timestamp)
    }
}
