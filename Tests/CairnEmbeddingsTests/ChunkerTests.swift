import Cairn
@testable import CairnEmbeddings
import Testing

/// The chunker's promises, checked over varied texts: full coverage, the configured
/// overlap, sizes, and characters never cut.
@Suite struct ChunkerTests {
    static let prose: String = {
        var text = "# Cairn\n\nCairn runs durable workflows on your own box. "
        for paragraph in 0..<30 {
            for sentence in 0..<(3 + paragraph % 5) {
                text += "Sentence \(sentence) of paragraph \(paragraph) talks about steps, retries and sleeps that survive a crash. "
            }
            text += paragraph % 3 == 0 ? "\nA line of its own with emoji 👩‍👩‍👧‍👦 and é (e + combining acute: e\u{301}).\n\n" : "\n\n"
        }
        return text
    }()

    static let texts: [String] = [
        prose,
        String(repeating: "word ", count: 3000),
        String(repeating: "🏳️‍🌈🇩🇪e\u{301}\u{302} ", count: 700),
        "short text",
        String(repeating: "line without end punctuation\n", count: 200),
        String(repeating: "日本語の文章です。", count: 400),
    ]

    @Test(arguments: texts.indices, [(1000, 150), (200, 40), (64, 0)])
    func chunksCoverEveryCharacterOverlapAsConfiguredAndRespectTheSize(_ which: Int, _ setting: (Int, Int)) throws {
        let text = Self.texts[which]
        let chunker = try Chunker(size: setting.0, overlap: setting.1)
        let chunks = try chunker.chunks(of: text)
        let characters = Array(text)
        #expect(chunks.first?.start == 0 && chunks.last?.end == characters.count)
        for (index, chunk) in chunks.enumerated() {
            #expect(chunk.index == index)
            #expect(chunk.text == String(characters[chunk.start..<chunk.end]))          // whole characters, exactly the input
            #expect(chunk.end - chunk.start <= setting.0 || !chunk.text.contains(" "), "chunk \(index) has \(chunk.end - chunk.start) characters")
            if index > 0 {
                let previous = chunks[index - 1]
                #expect(chunk.start > previous.start && chunk.start <= previous.end)   // no gap: every character covered
                #expect(chunk.end > previous.end)                                      // every chunk brings new text
                #expect(previous.end - chunk.start <= setting.1, "overlap \(previous.end - chunk.start) over \(setting.1)")
            }
        }
        #expect(chunks.map(\.text).joined().unicodeScalars.count >= text.unicodeScalars.count)
        // Chunks are not much shorter than they may be: the overlap repeats little of the text.
        let total = chunks.reduce(0) { $0 + $1.end - $1.start }
        #expect(total <= characters.count * 2 + setting.0, "\(chunks.count) chunks repeat too much of \(characters.count) characters")
    }

    @Test func markdownWithManyShortParagraphsMakesFewFullChunks() throws {
        var text = ""
        for section in 0..<40 { text += "## Section \(section)\n\n| a | b |\n|---|---|\n| x | y |\n\nShort paragraph \(section) with a few words.\n\n" }
        let chunks = try Chunker(size: 1000, overlap: 150).chunks(of: text)
        let characters = text.count
        #expect(chunks.count <= characters / (1000 - 150 - 200) + 2, "\(chunks.count) chunks for \(characters) characters")
    }

    @Test func cutsPreferParagraphsThenLinesThenSentencesThenWords() throws {
        let paragraph = String(repeating: "alpha beta. ", count: 30) + "\n\n" + String(repeating: "gamma delta. ", count: 30)
        let chunks = try Chunker(size: 400, overlap: 0).chunks(of: paragraph)
        #expect(chunks[0].text.hasSuffix("\n\n"))
        let sentences = try Chunker(size: 100, overlap: 0).chunks(of: String(repeating: "one two three four. ", count: 20))
        #expect(sentences.dropLast().allSatisfy { $0.text.hasSuffix(". ") })
    }

    @Test func theOverlapStartsAtAWord() throws {
        let chunks = try Chunker(size: 120, overlap: 30).chunks(of: String(repeating: "lorem ipsum dolor sit amet ", count: 40))
        for chunk in chunks.dropFirst() { #expect(chunk.text.first != " " && ["lorem", "ipsum", "dolor", "sit", "amet"].contains { chunk.text.hasPrefix($0) }) }
    }

    @Test func emptyTextAndEndlessWordsAreRefusedSayingWhy() throws {
        let chunker = try Chunker()
        let empty = try #require(throws: WorkflowError.self) { try chunker.chunks(of: " \n\t ") }
        #expect(empty.message.contains("empty"))
        let word = try #require(throws: WorkflowError.self) { try chunker.chunks(of: String(repeating: "x", count: 50_000)) }
        #expect(word.message.contains("without a space") && word.message.contains("50000"))
        // A word longer than the size but not absurdly so stays whole.
        let url = "see https://example.com/" + String(repeating: "a", count: 1500) + " done"
        #expect(try chunker.chunks(of: url).contains { $0.text.contains(String(repeating: "a", count: 1500)) })
        #expect(throws: WorkflowError.self) { try Chunker(size: 100, overlap: 60) }
    }
}
