@testable import CairnEmbeddings
import Testing

@Suite struct HashingEmbedderTests {
    @Test func vectorsAreDeterministicNormalisedAndOfTheConfiguredSize() throws {
        let embedder = try HashingEmbedder(dimensions: 384)
        let a = embedder.embed("Durable workflows survive a crash.")
        #expect(a.count == 384)
        #expect(a == embedder.embed("Durable workflows survive a crash."))
        #expect(abs(a.reduce(0) { $0 + $1 * $1 } - 1) < 1e-5)
        #expect(embedder.embed("!!! ...").allSatisfy { $0 == 0 })
        // Pinned values: hash-v1 must not drift between releases (stored vectors depend on it).
        #expect(HashingEmbedder.fnv1a("w:cairn") == 0xe3eb_974a_0491_a99b)      // computed independently (Python)
        #expect(HashingEmbedder.words("Grüße, CAIRN-2026!") == ["grüße", "cairn", "2026"])
    }

    @Test func aNearDuplicateRanksAboveAnUnrelatedSentence() throws {
        let embedder = try HashingEmbedder()
        var matrix = VectorMatrix(dimensions: 384)
        let documents = [
            "The quarterly invoice for the Berlin office is overdue.",
            "Bake the bread at 220 degrees for forty minutes.",
            "The Berlin office's quarterly invoices are overdue again.",
            "Cats sleep for most of the day.",
        ]
        for document in documents { matrix.append(embedder.embed(document)) }
        let hits = matrix.top(2, to: embedder.embed("quarterly invoice Berlin office overdue"))
        #expect(Set(hits.map(\.row)) == [0, 2])
        #expect(matrix.top(10, to: embedder.embed("bread baking degrees")).first?.row == 1)
    }

    @Test func topKIsExactAgainstABruteForceScan() throws {
        let embedder = try HashingEmbedder(dimensions: 100)      // not a multiple of 8: the tail loop counts too
        var matrix = VectorMatrix(dimensions: 100)
        let texts = (0..<300).map { "document number \($0) about topic \($0 % 17) and \($0 % 5)" }
        let vectors = texts.map { embedder.embed($0) }
        for vector in vectors { matrix.append(vector) }
        let query = embedder.embed("topic 3 and 4")
        let expected = vectors.enumerated().map { ($0.offset, zip($0.element, query).reduce(Float(0)) { $0 + $1.0 * $1.1 }) }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(10)
        let got = matrix.top(10, to: query)
        #expect(got.map(\.row) == expected.map(\.0))
        for (hit, want) in zip(got, expected) { #expect(abs(hit.score - want.1) < 1e-4) }
    }

    @Test func reciprocalRankFusionRewardsAgreement() {
        let fused = VectorMatrix.reciprocalRankFusion([["a", "b", "c"], ["b", "d", "a"]])
        #expect(fused.map(\.key) == ["b", "a", "d", "c"])
    }
}
