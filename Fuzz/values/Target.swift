import Cairn
import Foundation

/// libFuzzer target: the small parsers of the SDK. Duration strings, instance IDs, workflow
/// names and event types answer a value or an error, never a crash; JSON that parses
/// serialises to JSON that parses back to the same value.
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
    if let value = try? JSONValue(json: bytes) {
        let written = value.jsonData()
        let reread = try? JSONValue(json: written)
        precondition(reread == value, "\(text.prefix(200).debugDescription) does not survive a round trip: \(String(decoding: written.prefix(200), as: UTF8.self))")
    }
    return 0
}
