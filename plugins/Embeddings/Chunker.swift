import Cairn

/// Splits text into overlapping chunks near a target size, cutting at the strongest boundary
/// that fits: a paragraph break, then a line break, then a sentence end, then a space (the
/// order of LangChain's RecursiveCharacterTextSplitter, whose defaults it shares: 1,000
/// characters with 150 of overlap). Sizes and offsets count characters (grapheme clusters),
/// so a cut never falls inside an emoji, a combining sequence or a UTF-8 scalar.
///
/// ```swift
/// let chunks = try Chunker(size: 1000, overlap: 150).chunks(of: document)
/// ```
///
/// Every character of the text lies in at least one chunk; consecutive chunks share about
/// `overlap` characters, the shared part starting at a word. No chunk is longer than `size`,
/// except a single word longer than `size` (a long URL), which stays whole up to 4 × `size`;
/// a longer run without spaces is refused (a binary or minified file, most likely).
public struct Chunker: Sendable {
    /// One piece of the text: its position among the chunks, its text, and where it lies
    /// (character offsets, `end` exclusive).
    public struct Chunk: Sendable, Equatable, Codable {
        public var index: Int
        public var text: String
        public var start: Int
        public var end: Int

        public init(index: Int, text: String, start: Int, end: Int) {
            self.index = index
            self.text = text
            self.start = start
            self.end = end
        }
    }

    public var size: Int
    public var overlap: Int

    /// `size` at least 50 characters; `overlap` below half of it.
    public init(size: Int = 1000, overlap: Int = 150) throws(WorkflowError) {
        guard size >= 50, size <= 100_000 else { throw WorkflowError(.invalidArguments, "chunk size \(size) is out of range; use 50 to 100000 characters (1000 is common).") }
        guard overlap >= 0, overlap * 2 < size else { throw WorkflowError(.invalidArguments, "overlap \(overlap) must be at least 0 and less than half the size (\(size)); 150 is common for 1000.") }
        self.size = size
        self.overlap = overlap
    }

    /// How strong a cut before a character is.
    private enum Boundary: Int, Comparable {
        case none, word, sentence, line, paragraph
        static func < (lhs: Boundary, rhs: Boundary) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The chunks of `text`; throws for text with nothing but whitespace, and for a run
    /// without spaces longer than 4 × `size`.
    public func chunks(of text: String) throws(WorkflowError) -> [Chunk] {
        let characters = Array(text)
        guard characters.contains(where: { !$0.isWhitespace }) else {
            throw WorkflowError(.invalidArguments, "the document is empty (or only whitespace); there is nothing to index.")
        }
        let boundaries = Self.boundaries(characters)
        var chunks: [Chunk] = []
        var start = 0
        var previousEnd = 0
        while start < characters.count {
            var end = min(start + size, characters.count)
            if end < characters.count {
                // Past the previous chunk's end, so every chunk brings new text.
                end = try cut(after: max(start, previousEnd), from: start, limit: end, boundaries: boundaries, count: characters.count)
            }
            previousEnd = end
            chunks.append(Chunk(index: chunks.count, text: String(characters[start..<end]), start: start, end: end))
            guard end < characters.count else { break }
            // The next chunk starts `overlap` back, at the first word start there (never
            // before or at this chunk's start, so every chunk moves on).
            var next = max(end - overlap, start + 1)
            if overlap > 0, let word = (next..<end).first(where: { boundaries[$0] >= .word }) { next = word }
            if overlap == 0 { next = end }
            start = next
        }
        return chunks
    }

    /// Where a chunk starting at `start` ends: the last boundary of the strongest kind in
    /// (floor, limit]; past `limit` only for a word longer than the size.
    private func cut(after floor: Int, from start: Int, limit: Int, boundaries: [Boundary], count: Int) throws(WorkflowError) -> Int {
        var best: (position: Int, strength: Boundary)?
        var position = limit
        while position > floor {
            let strength = boundaries[position]
            if strength > .none, strength > (best?.strength ?? .none) { best = (position, strength) }
            if strength == .paragraph { break }
            position -= 1
        }
        if let best { return best.position }
        // One word fills the whole window: keep it whole up to its end if that is near.
        let wordEnd = (limit..<count).first { boundaries[$0] >= .word } ?? count
        guard wordEnd - start <= size * 4 else {
            throw WorkflowError(.invalidArguments, "the text has a run of \(wordEnd - start)+ characters without a space or line break at character \(start); it does not look like prose (a binary, minified or encoded file?). Index text, or raise chunk_size (size for embeddings.chunk).")
        }
        return wordEnd
    }

    /// Han, kana and hangul: written without spaces between words.
    private static func isUnspaced(_ character: Character) -> Bool {
        guard let value = character.unicodeScalars.first?.value else { return false }
        return (0x3040...0x30FF).contains(value) || (0x3400...0x9FFF).contains(value) || (0xAC00...0xD7AF).contains(value) || (0xF900...0xFAFF).contains(value)
    }

    /// For every position, how strong a cut before that character would be.
    private static func boundaries(_ characters: [Character]) -> [Boundary] {
        var result = [Boundary](repeating: .none, count: characters.count + 1)
        result[characters.count] = .paragraph
        for index in 1..<max(1, characters.count) {
            let previous = characters[index - 1]
            let current = characters[index]
            if previous.isNewline {
                let blank = index >= 2 && characters[index - 2].isNewline
                result[index] = blank ? .paragraph : .line
            } else if previous.isWhitespace, !current.isWhitespace {
                let beforeSpace = index >= 2 ? characters[index - 2] : " "
                result[index] = ".!?。！？".contains(beforeSpace) ? .sentence : .word
            } else if "。！？".contains(previous), !current.isWhitespace {
                result[index] = .sentence          // CJK sentences end without a space
            } else if isUnspaced(previous) || isUnspaced(current) {
                result[index] = .word              // scripts written without spaces: any character boundary
            }
        }
        return result
    }
}
