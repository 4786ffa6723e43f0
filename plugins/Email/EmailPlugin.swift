import Cairn

/// The e-mail plugin as pipelines call it: `email.send` with JSON arguments.
///
/// ```toml
/// [[pipelines.steps]]
/// name = "welcome"
/// action = "email.send"
/// with = { to = "{{ params.email }}", subject = "Welcome, {{ params.name }}", text_file = "mail/welcome.txt", html_file = "mail/welcome.html" }
/// ```
///
/// Arguments: `from` (else `[plugins.email] from`), `to`, `cc`, `bcc`, `reply_to` (an
/// address or an array), `subject`, `text` and/or `html`, `headers` (a string table),
/// `attachments` (`{ path }` under `attachments_dir`, or `{ content = "<base64>", filename }`,
/// with an optional `content_type`), `on_uncertain` (`resend` or `fail`). Output:
/// `{message_id, code, reply, accepted, refused, uncertain}` (see ``Email/Receipt``).
public struct EmailPlugin: CairnPlugin {
    /// `email`, as in `email.send`.
    public let name = "email"

    public init() {}

    /// `send`.
    public var actions: [String: PluginAction] {
        var send = PluginAction(secretArguments: ["headers"], validate: { arguments in
            _ = try EmailArguments(json: arguments).message(settings: nil)
        }, run: { arguments, context in
            let settings: EmailSettings
            let parsed: EmailArguments
            do throws(WorkflowError) {
                settings = try EmailSettings(json: context.settings)
                parsed = try EmailArguments(json: arguments)
            } catch {
                throw NonRetryableError(error.message)
            }
            // Reading attachments and hashing them is blocking work: on the pool.
            let built: Result<(Email.Message, String), WorkflowError> = await BlockingPool.smtp.run {
                do throws(WorkflowError) {
                    let message = try parsed.message(settings: settings)
                    return .success((message, Email.messageID(instance: context.instanceID, step: context.step, message: message, domain: settings.relay.helo)))
                } catch {
                    return .failure(error)
                }
            }
            let message: Email.Message, id: String
            switch built {
            case .success(let value): (message, id) = value
            case .failure(let error): throw NonRetryableError(error.message)
            }
            let receipt = try await Email.send(message, relay: settings.relay, messageID: id, onUncertain: parsed.onUncertain,
                                               after: context.previousError, maxMessageBytes: settings.maxMessageBytes)
            let refused = receipt.refused.isEmpty ? "" : "; refused \(receipt.refused.map(\.address).joined(separator: ", "))"
            context.log("sent \(id) to \(receipt.accepted.count) recipient(s): \(receipt.code) \(receipt.reply)\(refused)")
            return receipt.jsonValue
        })
        send.validateTemplated = { arguments, templated in
            // Each templated key gets a stand-in of its type; every other key is checked.
            guard case .object(var members) = arguments else { return _ = try EmailArguments(json: arguments).message(settings: nil) }
            for key in templated where members[key] != nil { members[key] = Self.standIns[key] ?? members[key] }
            _ = try EmailArguments(json: .object(members)).message(settings: nil)
        }
        return ["send": send]
    }

    /// Values of the right type for arguments a template fills in at run time.
    static let standIns: [String: JSONValue] = [
        "from": "x@example.com", "to": "x@example.com", "cc": "x@example.com", "bcc": "x@example.com", "reply_to": "x@example.com",
        "subject": "x", "text": "x", "html": "x", "headers": .object([:]), "attachments": .array([]), "on_uncertain": "resend",
    ]

    /// `[plugins.email]`: see ``EmailSettings``; `url` is required.
    public func checkSettings(_ settings: JSONValue) throws {
        _ = try EmailSettings(json: settings)
    }
}
