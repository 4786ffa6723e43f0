/// A workflow that checks its params beyond their Swift type (a pipeline's declared schema).
/// The engine calls ``checkParams(json:)`` when an instance is created, so params it refuses
/// get a 422 and no instance exists.
public protocol ParamsChecking: Sendable {
    /// Throws a ``WorkflowError`` saying which key is missing or has the wrong type.
    func checkParams(json: JSONValue) throws
}
