import Cairn
import Foundation

/// libFuzzer target: the small parsers of the SDK. Duration strings, instance IDs, workflow
/// names and event types answer a value or an error, never a crash; JSON that parses
/// serialises to JSON that parses back to the same value; and Cairn's own JSON codec reads
/// and writes exactly what Foundation's `JSONDecoder.cairn` / `JSONEncoder.cairn` do.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzValues(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(UnsafeBufferPointer(start: data, count: size))
    let text = String(decoding: bytes, as: UTF8.self)
    if let duration = try? WorkflowDuration(parsing: text) {
        // What a duration prints, it parses back to.
        let again = try? WorkflowDuration(parsing: duration.description)
        precondition(again == duration, "\(text.debugDescription) → \(duration) does not parse back")
    }
    _ = try? Identifier.validateInstanceID(text)
    _ = try? Identifier.validateWorkflowName(text)
    _ = try? Identifier.validateEventType(text)
    _ = try? Identifier.validateStepName(text)
    let foundation = try? JSONDecoder.cairn.decode(JSONValue.self, from: bytes)
    let ours = try? JSONValue(json: bytes)
    precondition(ours == foundation, "\(text.prefix(200).debugDescription) reads as \(String(describing: ours)) but Foundation reads \(String(describing: foundation))")
    if let value = ours {
        let written = value.jsonData()
        precondition(written == ((try? JSONEncoder.cairn.encode(value)) ?? Data("null".utf8)), "\(text.prefix(200).debugDescription) writes differently from Foundation")
        let reread = try? JSONValue(json: written)
        precondition(reread == value, "\(text.prefix(200).debugDescription) does not survive a round trip: \(String(decoding: written.prefix(200), as: UTF8.self))")
    }
    return 0
}
