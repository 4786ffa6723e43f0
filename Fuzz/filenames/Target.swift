import Foundation

/// libFuzzer target: file names in drop directories and the drop's glob patterns. Any bytes
/// make a FileName whose display form is valid text without control characters; any text
/// makes a glob or a TriggerError; matching never crashes, and a pattern without wildcards
/// matches exactly its own name.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFileNames(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let halves = bytes.split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
    let name = FileName(bytes: Array(halves.first ?? []))
    let display = name.display
    precondition(!display.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "control character in \(display.debugDescription)")
    let pattern = String(decoding: halves.count > 1 ? Array(halves[1]) : [], as: UTF8.self)
    if let glob = try? FileGlob(pattern) {
        _ = glob.matches(name)
        // Scalars, not characters: a backslash followed by a combining mark is one character.
        if !pattern.isEmpty, !pattern.unicodeScalars.contains(where: { "*?[]{}\\".unicodeScalars.contains($0) }) {
            precondition(glob.matches(FileName(pattern)), "the plain pattern \(pattern.debugDescription) does not match itself")
        }
    }
    return 0
}
