import Cairn
import Foundation

/// libFuzzer target: the pipeline template syntax. Parsing any text answers a template or a
/// TemplateError; rendering a parsed template in a fixed scope answers a value or a
/// TemplateError; never a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTemplate(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    for html in [false, true] {
        guard let template = try? Template.parse(text, html: html) else { continue }
        _ = try? template.render(in: Scope.fixed)
    }
    return 0
}

enum Scope {
    static let fixed: TemplateScope = {
        var scope = TemplateScope(params: ["name": "Ada", "n": 3, "list": [1, 2, "x"], "nested": ["a": ["b": true]], "empty": .null],
                                  event: ["instance_id": "i-1", "timestamp": "2026-12-06T00:00:00Z"])
        scope.outputs["fetch"] = ["status": 200, "body": ["items": [["id": 1]], "text": "<b>"]]
        scope.secrets = ["token": "s3cr3t"]
        return scope
    }()
}
