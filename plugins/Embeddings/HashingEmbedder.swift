import Cairn
import Foundation

/// The built-in embedder (`provider = "hashing"`, version `hash-v1`): no model and no
/// network, deterministic across machines and releases.
///
/// Features: lower-cased word unigrams and bigrams, and character trigrams of each word
/// (with `^`/`$` marking its ends), each hashed (64-bit FNV-1a) to one of `dimensions`
/// buckets with a sign from another bit of the hash; a feature's weight is 1 + ln(count)
/// (sublinear TF) times its kind's weight; the vector is L2-normalised.
///
/// It is lexical, not semantic: texts that share words and word pieces come out close;
/// synonyms do not. Hashed vectors rank worse than BM25 keyword search, so indexes using it
/// query in `keyword` mode by default; configure an OpenAI-compatible model for meaning.
public struct HashingEmbedder: Sendable {
    public static let version = "hash-v1"
    public var dimensions: Int

    public init(dimensions: Int = 384) throws(WorkflowError) {
        guard (16...4096).contains(dimensions) else {
            throw WorkflowError(.invalidArguments, "dimensions \(dimensions) is out of range for the hashing provider; use 16 to 4096 (384 by default).")
        }
        self.dimensions = dimensions
    }

    /// The vectors of `texts`, in order.
    public func embed(_ texts: [String]) -> [[Float]] {
        texts.map(embed)
    }

    /// One text's vector (all zeros for a text without words).
    public func embed(_ text: String) -> [Float] {
        var counts: [String: (count: Int, weight: Float)] = [:]
        func add(_ feature: String, _ weight: Float) {
            counts[feature, default: (0, weight)].count += 1
        }
        let words = Self.words(text)
        for (index, word) in words.enumerated() {
            add("w:" + word, 1.0)
            if index > 0 { add("b:" + words[index - 1] + " " + word, 0.7) }
            let marked = Array("^" + word + "$")
            if marked.count >= 3 {
                for start in 0...(marked.count - 3) { add("c:" + String(marked[start..<(start + 3)]), 0.35) }
            }
        }
        var vector = [Float](repeating: 0, count: dimensions)
        for (feature, entry) in counts {
            let hash = Self.fnv1a(feature)
            let bucket = Int(hash % UInt64(dimensions))
            let sign: Float = (hash >> 63) == 0 ? 1 : -1
            vector[bucket] += sign * entry.weight * (1 + log(Float(entry.count)))
        }
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if norm > 0 { for index in vector.indices { vector[index] /= norm } }
        return vector
    }

    /// Lower-cased runs of letters and digits.
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        for scalar in text.lowercased().unicodeScalars {
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }
}
