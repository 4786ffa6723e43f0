/// Unit vectors of one dimension, stored row after row in one contiguous `[Float]`, with an
/// exact top-k by cosine similarity (a dot product, the rows being normalised): one pass over
/// the memory, eight lanes at a time, no per-row arrays.
public struct VectorMatrix: Sendable {
    public let dimensions: Int
    /// Row `i` is `storage[i * dimensions ..< (i + 1) * dimensions]`.
    public private(set) var storage: [Float] = []

    public init(dimensions: Int) {
        self.dimensions = dimensions
    }

    public var count: Int { dimensions == 0 ? 0 : storage.count / dimensions }

    /// Appends a row; it must have `dimensions` values.
    public mutating func append(_ vector: [Float]) {
        precondition(vector.count == dimensions, "a vector of \(vector.count) values in a matrix of \(dimensions)")
        storage.append(contentsOf: vector)
    }

    /// Appends rows given as float32 bytes (as stored).
    public mutating func append(contentsOf floats: UnsafeBufferPointer<Float>) {
        storage.append(contentsOf: floats)
    }

    /// The `k` rows most similar to `query`, best first, as (row, score); ties keep row order;
    /// none for a query of another dimension.
    public func top(_ k: Int, to query: [Float]) -> [(row: Int, score: Float)] {
        // A query of another dimension matches nothing (callers check and say so first).
        guard k > 0, count > 0, query.count == dimensions else { return [] }
        var best: [(row: Int, score: Float)] = []      // sorted, best first, at most k
        best.reserveCapacity(k + 1)
        storage.withUnsafeBufferPointer { rowBuffer in
            query.withUnsafeBufferPointer { queryBuffer in
                guard let rows = rowBuffer.baseAddress, let q = queryBuffer.baseAddress else { return }
                let lanes = dimensions / 8 * 8
                for row in 0..<count {
                    let base = rows + row * dimensions
                    var sum = SIMD8<Float>()
                    var index = 0
                    while index < lanes {
                        let a = UnsafeRawPointer(base + index).loadUnaligned(as: SIMD8<Float>.self)
                        let b = UnsafeRawPointer(q + index).loadUnaligned(as: SIMD8<Float>.self)
                        sum += a * b
                        index += 8
                    }
                    var score = sum.sum()
                    while index < dimensions {
                        score += base[index] * q[index]
                        index += 1
                    }
                    if best.count < k || score > best[best.count - 1].score {
                        var position = best.count
                        while position > 0, best[position - 1].score < score { position -= 1 }
                        best.insert((row, score), at: position)
                        if best.count > k { best.removeLast() }
                    }
                }
            }
        }
        return best
    }

    /// Reciprocal rank fusion of ranked lists of keys (`k` = 60, as in Cormack et al.):
    /// each key scores Σ 1 / (60 + rank), best first.
    public static func reciprocalRankFusion<Key: Hashable>(_ rankings: [[Key]], k: Double = 60) -> [(key: Key, score: Double)] {
        var scores: [Key: Double] = [:]
        var firstSeen: [Key: Int] = [:]
        var order = 0
        for ranking in rankings {
            for (rank, key) in ranking.enumerated() {
                scores[key, default: 0] += 1 / (k + Double(rank + 1))
                if firstSeen[key] == nil { firstSeen[key] = order; order += 1 }
            }
        }
        return scores.map { (key: $0.key, score: $0.value) }
            .sorted { $0.score != $1.score ? $0.score > $1.score : (firstSeen[$0.key] ?? 0) < (firstSeen[$1.key] ?? 0) }
    }
}
