import Cairn
import Foundation
import Synchronization

/// Step configs as stored JSON, memoised: a workflow uses a handful of configs, and encoding
/// one with JSONEncoder on every step write showed up as several percent of a step's cost.
enum ConfigCoding {
    private static let encoded = Mutex<[StepConfig: String]>([:])
    private static let decoded = Mutex<[String: StepConfig]>([:])
    private static let limit = 1_024

    static func encode(_ config: StepConfig) -> String? {
        if let hit = encoded.withLock({ $0[config] }) { return hit }
        guard let data = try? JSONEncoder.cairn.encode(config) else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        encoded.withLock { cache in
            if cache.count >= limit { cache.removeAll() }
            cache[config] = text
        }
        return text
    }

    static func decode(_ text: String) -> StepConfig? {
        if let hit = decoded.withLock({ $0[text] }) { return hit }
        guard let config = try? JSONDecoder.cairn.decode(StepConfig.self, from: Data(text.utf8)) else { return nil }
        decoded.withLock { cache in
            if cache.count >= limit { cache.removeAll() }
            cache[text] = config
        }
        return config
    }
}
